import { BookingError, BookingErrorCode } from './booking.errors';
import type { InstructorPayoutAccount } from './payout-accounts.ports';
import type { AccountBalance, PayoutStatus, ProviderPayout } from './payout.types';

/** How instructors are paid out (configuration; the fee must be the one Stripe charges). */
export interface PayoutTerms {
  /** The currency balances and payouts are shown in (ISO 4217). */
  currency: string;
  /** Stripe's instant payout fee: basis points of the amount, rounded up to a whole minor unit … */
  instantFeeBps: number;
  /** … and never less than this. */
  instantFeeMinimumMinor: number;
  /** The smallest and largest instant payout one request may ask for. */
  minInstantMinor: number;
  maxInstantMinor: number;
  /** How long a payout request may stay REQUESTED (its Stripe call in flight) before reconciliation sends it again. */
  requestLeaseSeconds: number;
}

export const DEFAULT_PAYOUT_TERMS: PayoutTerms = {
  currency: 'USD',
  instantFeeBps: 150,
  instantFeeMinimumMinor: 50,
  minInstantMinor: 100,
  maxInstantMinor: 1_000_000,
  requestLeaseSeconds: 60,
};

/** The instant payout fee on `amountMinor`: taken from the balance on top of the amount, as Stripe takes it. */
export function instantPayoutFee(terms: PayoutTerms, amountMinor: number): number {
  return Math.max(terms.instantFeeMinimumMinor, Math.ceil((amountMinor * terms.instantFeeBps) / 10_000));
}

/** The largest instant payout whose amount and fee fit in `instantAvailable` (0 when not even the minimum fits). */
export function maxInstantPayout(terms: PayoutTerms, instantAvailable: number): number {
  // amount + fee(amount) grows with amount: start from the real-valued bound and step down to the first that fits.
  let amount = Math.min(terms.maxInstantMinor, Math.floor((instantAvailable * 10_000) / (10_000 + terms.instantFeeBps)));
  while (amount > 0 && amount + instantPayoutFee(terms, amount) > instantAvailable) amount -= 1;
  return amount >= terms.minInstantMinor ? amount : 0;
}

/** An amount an instructor asks to be paid out: whole minor units between the minimum and the maximum. */
export function requirePayoutAmount(terms: PayoutTerms, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < terms.minInstantMinor || amountMinor > terms.maxInstantMinor) {
    throw new BookingError(
      BookingErrorCode.InvalidPayoutAmount,
      `amountMinor must be a whole number of minor units from ${terms.minInstantMinor} to ${terms.maxInstantMinor}`,
      { amountMinor: Number.isFinite(amountMinor) ? amountMinor : null, min: terms.minInstantMinor, max: terms.maxInstantMinor },
    );
  }
  return amountMinor;
}

export type PayoutRefusalCode = 'PAYOUTS_NOT_ENABLED' | 'INSTANT_PAYOUTS_UNSUPPORTED' | 'INSUFFICIENT_BALANCE';

export interface PayoutRefusal {
  code: PayoutRefusalCode;
  message: string;
}

/**
 * Why an instant payout of `amountMinor` cannot be made now (null when it can): payouts not enabled
 * on the instructor's Connect account, no debit card or bank that takes instant payouts (Stripe
 * reports no instant balance), or the amount and its fee above the instant-available balance.
 */
export function instantPayoutRefusal(terms: PayoutTerms, account: InstructorPayoutAccount | null, balance: AccountBalance | null, amountMinor: number): PayoutRefusal | null {
  if (!account?.stripeAccountId || !account.payoutsEnabled) {
    return { code: 'PAYOUTS_NOT_ENABLED', message: 'Payouts are not enabled: finish setting up your payout account (Stripe Connect) first' };
  }
  if (!balance || balance.instantAvailable === null) {
    return { code: 'INSTANT_PAYOUTS_UNSUPPORTED', message: 'Your payout account has no debit card or bank account that takes instant payouts' };
  }
  const total = amountMinor + instantPayoutFee(terms, amountMinor);
  if (total > balance.instantAvailable) {
    return { code: 'INSUFFICIENT_BALANCE', message: `The amount and its fee (${total}) exceed what can be paid out instantly now (${balance.instantAvailable})` };
  }
  return null;
}

export const refusalError = (refusal: PayoutRefusal, details: Record<string, unknown> = {}) =>
  new BookingError(
    {
      PAYOUTS_NOT_ENABLED: BookingErrorCode.PayoutsNotEnabled,
      INSTANT_PAYOUTS_UNSUPPORTED: BookingErrorCode.InstantPayoutsUnsupported,
      INSUFFICIENT_BALANCE: BookingErrorCode.InsufficientBalance,
    }[refusal.code],
    refusal.message,
    details,
  );

const RANK: Record<PayoutStatus, number> = { REQUESTED: 0, PENDING: 1, IN_TRANSIT: 2, PAID: 3, FAILED: 4, CANCELED: 4 };

/** The platform's status for Stripe's. */
export function payoutStatusOf(status: ProviderPayout['status']): PayoutStatus {
  return ({ pending: 'PENDING', in_transit: 'IN_TRANSIT', paid: 'PAID', failed: 'FAILED', canceled: 'CANCELED' } as const)[status];
}

/**
 * Whether a payout at `from` moves to `to`: only forward (a late `payout.updated` never undoes
 * `paid`), and a paid payout may still fail (banks return payouts days later).
 */
export function payoutMovesForward(from: PayoutStatus, to: PayoutStatus): boolean {
  return RANK[to] > RANK[from];
}

/** The idempotency key of the Stripe payout the platform's payout `payoutId` creates (the same on every retry). */
export const payoutKey = (payoutId: string) => `payout-${payoutId}`;
