import type { CancelledBy } from './booking.types';
import type { Payment } from './payment.types';
import { refundableOf, settlementOf } from './payment.rules';

/** One tier of a cancellation policy: a student cancelling at least `minHoursBefore` the start is charged `chargeBps` of the price. */
export interface CancellationTier {
  minHoursBefore: number;
  /** Basis points of the price (5000 = 50 %). */
  chargeBps: number;
}

/** A version of the cancellation policy, as data (the booking records the version in force when it was made). */
export interface CancellationPolicy {
  version: number;
  tiers: CancellationTier[];
  /** The goodwill credit an instructor's cancellation gives the student, in basis points of the price. */
  goodwillCreditBps: number;
  /**
   * When set, a student cancelling may take what would go back to their card as platform credits
   * instead, at this rate of it (11000 = 110 %); null: not offered.
   */
  creditInsteadBps: number | null;
}

/** What cancelling now would do with the money, computed the same way for the quote and the cancellation. */
export interface CancellationTerms {
  policyVersion: number;
  cancelledBy: CancelledBy;
  hoursBeforeStart: number;
  /** The share of the price the policy charges (basis points). */
  chargeBps: number;
  /** What the student is charged, credits and card together: the policy's share of the price, within what is held (nothing when nothing is). */
  chargeMinor: number;
  /** The part of the charge taken from the credits the booking reserved (they pay first). */
  creditsChargedMinor: number;
  /** The reserved credits given back to the student. */
  creditsReturnedMinor: number;
  /** The platform fee prorated to the charge; the instructor receives the rest. */
  platformFeeMinor: number;
  instructorShareMinor: number;
  /** The card's authorised amount released back to it. */
  releasedMinor: number;
  /** A payment already charged (an instructor no-show recorded after the lesson): what is refunded, the card first, then what credits paid. */
  refundMinor: number;
  /** Platform credits the student receives (a goodwill credit when the instructor cancels). */
  creditMinor: number;
  /** What the student would receive as credits choosing them instead of the card's release (null: not offered now). */
  creditInsteadMinor: number | null;
  currency: string;
}

/**
 * The share the policy charges: a student cancelling is charged by the first tier (highest
 * `minHoursBefore` first) whose threshold the time left reaches — at exactly 24 h before, the ≥ 24 h
 * tier; an instructor, an admin or the system cancelling charges the student nothing.
 */
export function chargeShare(policy: CancellationPolicy, cancelledBy: CancelledBy, startsAt: Date, now: Date): number {
  if (cancelledBy !== 'STUDENT') return 0;
  const left = startsAt.getTime() - now.getTime();
  const tiers = [...policy.tiers].sort((a, b) => b.minHoursBefore - a.minHoursBefore);
  const tier = tiers.find((t) => left >= t.minHoursBefore * 3_600_000) ?? tiers[tiers.length - 1]!;
  return tier.chargeBps;
}

/** Basis points of an amount, rounded half up to a whole minor unit. */
const share = (amount: number, bps: number) => Math.floor((amount * bps + 5000) / 10_000);

/**
 * The money side of cancelling now. Only a payment held in full can be charged (its card
 * authorised, or credits covering the whole price): one not yet authorised (scheduled, being
 * authorised, waiting for the student) is charged nothing, whatever the tier, and its credits go
 * back. The charge takes the reserved credits first, then the card; the platform fee is prorated
 * to the charge (the instructor is paid their share of it).
 */
export function cancellationTerms(policy: CancellationPolicy, cancelledBy: CancelledBy, startsAt: Date, now: Date, payment: Payment | null, price: { amountMinor: number; currency: string }): CancellationTerms {
  const chargeBps = chargeShare(policy, cancelledBy, startsAt, now);
  const held = payment?.status === 'AUTHORIZED';
  const card = held ? (payment.authorizedAmountMinor ?? payment.amountMinor) : 0;
  const credits = payment?.creditMinor ?? 0;
  const chargeMinor = held ? Math.min(card + credits, share(price.amountMinor, chargeBps)) : 0;
  const whole = payment ? payment.amountMinor + payment.creditMinor : 0;
  const platformFeeMinor = payment && whole > 0 ? Math.min(chargeMinor, Math.floor((payment.platformFeeMinor * chargeMinor * 2 + whole) / (2 * whole))) : 0;
  const settled = held && chargeMinor > 0 ? settlementOf({ ...payment, captureAmountMinor: chargeMinor, captureFeeMinor: platformFeeMinor }) : null;
  const creditsChargedMinor = settled?.creditSpendMinor ?? 0;
  return {
    policyVersion: policy.version,
    cancelledBy,
    hoursBeforeStart: Math.round(((startsAt.getTime() - now.getTime()) / 3_600_000) * 100) / 100,
    chargeBps,
    chargeMinor,
    creditsChargedMinor,
    creditsReturnedMinor: credits - creditsChargedMinor,
    platformFeeMinor,
    instructorShareMinor: chargeMinor - platformFeeMinor,
    releasedMinor: card - (settled?.cardCaptureMinor ?? 0),
    refundMinor: refundOnCancellation(payment, share(price.amountMinor, chargeBps)),
    creditMinor: cancelledBy === 'INSTRUCTOR' ? share(price.amountMinor, policy.goodwillCreditBps) : 0,
    creditInsteadMinor: creditInsteadOf(policy, cancelledBy, card - (settled?.cardCaptureMinor ?? 0)),
    currency: price.currency,
  };
}

/** What cancelling gives back of a payment already charged: all that is still refundable beyond the policy's charge. */
function refundOnCancellation(payment: Payment | null, policyChargeMinor: number): number {
  if (!payment) return 0;
  const left = refundableOf(payment);
  return Math.max(0, left.cardMinor + left.creditMinor - policyChargeMinor);
}

/** The credits a student cancelling may take instead of `releasedMinor` going back to their card; null when the policy does not offer it or nothing goes back. */
export function creditInsteadOf(policy: CancellationPolicy, cancelledBy: CancelledBy, releasedMinor: number): number | null {
  if (policy.creditInsteadBps === null || cancelledBy !== 'STUDENT' || releasedMinor <= 0) return null;
  return share(releasedMinor, policy.creditInsteadBps);
}

/** A stored policy's tiers, checked: whole hours ≥ 0, basis points 0–10000, one tier at 0 hours. */
export function parseTiers(value: unknown): CancellationTier[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error('a cancellation policy needs tiers');
  const tiers = value.map((t: unknown) => {
    const { minHoursBefore, chargeBps } = (t ?? {}) as Record<string, unknown>;
    if (typeof minHoursBefore !== 'number' || minHoursBefore < 0 || typeof chargeBps !== 'number' || !Number.isInteger(chargeBps) || chargeBps < 0 || chargeBps > 10_000) {
      throw new Error(`not a cancellation tier: ${JSON.stringify(t)}`);
    }
    return { minHoursBefore, chargeBps };
  });
  if (!tiers.some((t) => t.minHoursBefore === 0)) throw new Error('a cancellation policy needs a tier from 0 hours before');
  return tiers;
}
