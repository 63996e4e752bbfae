import type { PaymentProviderNotification } from './instructor.ports';
import type { IdentityVerification, IdentityVerificationStatus, PayoutAccount } from './instructor.types';

export type IdentityNotification = Extract<PaymentProviderNotification, { kind: 'identity-session' }>;
export type AccountNotification = Extract<PaymentProviderNotification, { kind: 'connect-account' }>;

export type UpdateDecision<T> = { outcome: 'applied'; next: T } | { outcome: 'stale' | 'ignored'; reason: string };

const STATUS: Record<IdentityNotification['status'], IdentityVerificationStatus> = {
  requires_input: 'REQUIRES_INPUT',
  processing: 'PROCESSING',
  verified: 'VERIFIED',
  canceled: 'CANCELED',
};

const isOlder = (created: Date, lastEventAt: string | null) => lastEventAt !== null && created.getTime() < Date.parse(lastEventAt);

/**
 * Applies a Stripe Identity session update so that out-of-order and late deliveries never move the
 * state backwards: VERIFIED is final; other statuses apply only to the current session and only
 * when not older than the last update applied.
 */
export function decideIdentityUpdate(current: IdentityVerification, update: IdentityNotification): UpdateDecision<IdentityVerification> {
  if (current.status === 'VERIFIED') return { outcome: 'ignored', reason: 'identity already verified' };
  const status = STATUS[update.status];
  if (status === 'VERIFIED') {
    // Any session of this instructor that verified proves their identity, even an earlier one.
    return {
      outcome: 'applied',
      next: { ...current, status, sessionId: update.sessionId, lastErrorCode: null, verifiedAt: update.createdAt.toISOString(), lastEventAt: update.createdAt.toISOString() },
    };
  }
  if (update.sessionId !== current.sessionId) return { outcome: 'ignored', reason: 'not the current verification session' };
  if (isOlder(update.createdAt, current.lastEventAt)) return { outcome: 'stale', reason: 'older than the last update applied' };
  return {
    outcome: 'applied',
    next: {
      ...current,
      status,
      lastErrorCode: status === 'REQUIRES_INPUT' ? update.lastErrorCode : null,
      lastEventAt: update.createdAt.toISOString(),
    },
  };
}

/**
 * Applies a Connect `account.updated`: the newest state by Stripe's event time wins, whatever the
 * delivery order. (Capabilities can legitimately be withdrawn, so this is "never older", not "only up".)
 */
export function decideAccountUpdate(current: PayoutAccount, update: AccountNotification): UpdateDecision<PayoutAccount> {
  if (current.stripeAccountId !== update.accountId) return { outcome: 'ignored', reason: 'not this instructor’s account' };
  if (isOlder(update.createdAt, current.lastEventAt)) return { outcome: 'stale', reason: 'older than the last update applied' };
  return {
    outcome: 'applied',
    next: {
      ...current,
      chargesEnabled: update.chargesEnabled,
      payoutsEnabled: update.payoutsEnabled,
      detailsSubmitted: update.detailsSubmitted,
      lastEventAt: update.createdAt.toISOString(),
    },
  };
}
