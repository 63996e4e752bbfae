import type { PayoutAccount } from './instructor.types';

/**
 * The Connect state other services learn of, through the private instructor.payout-account-updated
 * events only (booking, for destination charges and payouts): never in the public instructor events.
 */
export type ConnectState = Pick<PayoutAccount, 'stripeAccountId' | 'chargesEnabled' | 'payoutsEnabled' | 'detailsSubmitted'>;

export function sameConnectState(a: ConnectState, b: ConnectState): boolean {
  return a.stripeAccountId === b.stripeAccountId && a.chargesEnabled === b.chargesEnabled && a.payoutsEnabled === b.payoutsEnabled && a.detailsSubmitted === b.detailsSubmitted;
}

/**
 * `next` as a change of `current` made at `now`. When the Connect state differs it takes the next
 * revision and `now` as its change time, and `changed` tells the caller to publish it; otherwise
 * (say an account.updated about something else, which still moves `lastEventAt`) it keeps
 * current's revision and change time.
 */
export function changePayoutAccount(current: PayoutAccount, next: PayoutAccount, now: Date): { account: PayoutAccount; changed: boolean } {
  if (sameConnectState(current, next)) return { account: { ...next, revision: current.revision, changedAt: current.changedAt }, changed: false };
  return { account: { ...next, revision: current.revision + 1, changedAt: now.toISOString() }, changed: true };
}
