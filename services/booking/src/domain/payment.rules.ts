import type { Payment, PaymentStatus } from './payment.types';

/** Payment settings (see booking.config.ts for the variables that set them). */
export interface PaymentTerms {
  /** How long before the start the card is authorised (24 h). */
  authorizationLeadMinutes: number;
  /** How long before the start an unresolved payment cancels the booking (12 h). */
  actionDeadlineMinutes: number;
  /** The platform's fee, in basis points of the lesson price (1500 = 15 %). */
  platformFeeBps: number;
  /** Soft declines retried before the student is asked to act. */
  softDeclineRetries: number;
  /** The first retry's delay after a soft decline; each next one is four times longer. */
  retryBaseSeconds: number;
  /** How long a Stripe call in flight may take before its command is sent again. */
  leaseSeconds: number;
  /**
   * How long a booking authorised while booking (a lesson sooner than the lead time) keeps its slot
   * while the student completes the bank's authentication; below availability's hold TTL.
   */
  onSessionWindowSeconds: number;
}

export const DEFAULT_PAYMENT_TERMS: PaymentTerms = {
  authorizationLeadMinutes: 24 * 60,
  actionDeadlineMinutes: 12 * 60,
  platformFeeBps: 1500,
  softDeclineRetries: 3,
  retryBaseSeconds: 300,
  leaseSeconds: 120,
  onSessionWindowSeconds: 540,
};

/** A lesson booked closer to its start than the deadline still gives the student this long to act. */
const LATE_BOOKING_GRACE_MS = 30 * 60_000;

/** The platform fee on an amount: basis points, rounded half up to a whole minor unit, never more than the amount. */
export function applicationFee(amountMinor: number, feeBps: number): number {
  return Math.min(amountMinor, Math.floor((amountMinor * feeBps + 5000) / 10_000));
}

/** Whether a lesson is authorised while it is booked, the student present: it starts sooner than the lead time. */
export function authorizesOnSession(startsAt: Date, now: Date, terms: PaymentTerms): boolean {
  return startsAt.getTime() - terms.authorizationLeadMinutes * 60_000 <= now.getTime();
}

/** When the card is authorised: lead time before the start, or at once when that has passed. */
export function authorizationTime(startsAt: Date, now: Date, terms: PaymentTerms): Date {
  const due = startsAt.getTime() - terms.authorizationLeadMinutes * 60_000;
  return new Date(Math.max(due, now.getTime()));
}

/**
 * When an unresolved payment cancels the booking: the deadline before the start, or, for a lesson
 * booked after that, a short grace from now (never after the start).
 */
export function actionDeadline(startsAt: Date, now: Date, terms: PaymentTerms): Date {
  const deadline = startsAt.getTime() - terms.actionDeadlineMinutes * 60_000;
  if (deadline > now.getTime()) return new Date(deadline);
  return new Date(Math.min(startsAt.getTime(), now.getTime() + LATE_BOOKING_GRACE_MS));
}

/** How a refused authorisation is handled: retried (soft), or left to the student (authentication, hard). */
export type DeclineKind = 'SOFT' | 'HARD' | 'AUTHENTICATION';

/**
 * Stripe's decline codes that may succeed on a later try without the student doing anything
 * (Stripe's documentation: "the payment can be attempted again").
 */
const SOFT_DECLINES = new Set([
  'insufficient_funds',
  'processing_error',
  'try_again_later',
  'issuer_not_available',
  'reenter_transaction',
  'approve_with_id',
  'card_velocity_exceeded',
  'withdrawal_count_limit_exceeded',
]);

export function declineKind(code: string, declineCode: string | null): DeclineKind {
  if (code === 'authentication_required' || declineCode === 'authentication_required') return 'AUTHENTICATION';
  if (SOFT_DECLINES.has(declineCode ?? '') || SOFT_DECLINES.has(code)) return 'SOFT';
  return 'HARD';
}

/**
 * When the next try after `attempt` soft declines happens: base × 4^(attempt − 1); null when the
 * retries are used up or the try would fall after the deadline (the student is asked instead).
 */
export function nextRetryAt(attempt: number, now: Date, deadline: Date, terms: PaymentTerms): Date | null {
  if (attempt > terms.softDeclineRetries) return null;
  const at = new Date(now.getTime() + terms.retryBaseSeconds * 1000 * 4 ** (attempt - 1));
  return at < deadline ? at : null;
}

/** The idempotency key of one authorisation attempt of a booking: a retry of the same attempt reaches the same PaymentIntent. */
export const authorizationKey = (bookingId: string, attempt: number) => `booking-${bookingId}-authorize-${attempt}`;
/**
 * The key of the authorisation made while booking: the booking row's creation instant makes it
 * unique per create (a create declined and made again under the client's same key calls anew).
 */
export const onSessionAuthorizationKey = (bookingId: string, createdAt: Date) => `booking-${bookingId}-authorize-on-session-${createdAt.getTime()}`;
export const captureKey = (bookingId: string) => `booking-${bookingId}-capture`;
export const voidKey = (bookingId: string, paymentIntentId: string) => `booking-${bookingId}-void-${paymentIntentId}`;
export const customerKey = (studentId: string) => `student-${studentId}-customer`;

/** Statuses a cancelled booking's payment leaves for VOIDING (a live or possible authorisation) or VOIDED at once. */
export function voidingStatus(payment: Payment): PaymentStatus | null {
  switch (payment.status) {
    case 'SCHEDULED':
      return payment.paymentIntentId ? 'VOIDING' : 'VOIDED';
    case 'AUTHORIZED':
      // A lesson its credits pay wholly is authorised on no card: nothing to cancel.
      return payment.paymentIntentId || payment.amountMinor > 0 ? 'VOIDING' : 'VOIDED';
    case 'AUTHORIZING':
    case 'ACTION_REQUIRED':
      return 'VOIDING';
    default:
      return null;
  }
}

/** How a charge of a booking's price is paid, and who receives what (see settlementOf). */
export interface Settlement {
  /** What the card's authorisation is captured for (0: nothing is captured; a live authorisation is cancelled). */
  cardCaptureMinor: number;
  /** The capture's application fee: the platform fee on the charge less the credits spent, never below zero. */
  applicationFeeMinor: number;
  /** Reserved credits spent on the charge (taken first). */
  creditSpendMinor: number;
  /** Reserved credits given back to the student. */
  creditReleaseMinor: number;
  /** What the platform transfers to the instructor from its balance: credits spent beyond the fee. */
  platformTransferMinor: number;
  /** Captured from the card and kept by the platform: what the student took as credits instead of a release. */
  keptMinor: number;
}

/**
 * How a charge of `chargeMinor` (the whole price after the lesson, a policy's share on a late
 * cancellation) with platform fee `feeMinor` is paid: the reserved credits first, then the card.
 * Whatever the split, the instructor receives the charge less the fee: the card's capture less its
 * application fee, plus a platform transfer when the credits spent exceed the fee.
 */
export function settlementOf(
  payment: Pick<Payment, 'amountMinor' | 'creditMinor' | 'authorizedAmountMinor' | 'platformFeeMinor' | 'captureAmountMinor' | 'captureFeeMinor'> & { creditInsteadMinor?: number },
): Settlement {
  const card = payment.authorizedAmountMinor ?? payment.amountMinor;
  const charge = Math.min(payment.captureAmountMinor ?? card + payment.creditMinor, card + payment.creditMinor);
  const fee = Math.min(payment.captureFeeMinor ?? payment.platformFeeMinor, charge);
  const creditSpendMinor = Math.min(payment.creditMinor, charge);
  // What the student took as credits instead of a release is captured too, and kept by the platform (in the application fee).
  const kept = Math.min(payment.creditInsteadMinor ?? 0, card - (charge - creditSpendMinor));
  const cardCaptureMinor = charge - creditSpendMinor + kept;
  return {
    cardCaptureMinor,
    applicationFeeMinor: Math.min(cardCaptureMinor, Math.max(0, fee - creditSpendMinor) + kept),
    creditSpendMinor,
    creditReleaseMinor: payment.creditMinor - creditSpendMinor,
    platformTransferMinor: Math.max(0, creditSpendMinor - fee),
    keptMinor: kept,
  };
}

/** What a charged payment can still give back: to the card (less what was kept for credits given instead), and what its credits paid. */
export function refundableOf(payment: Payment): { cardMinor: number; creditMinor: number } {
  if (payment.status !== 'CAPTURED' && payment.status !== 'PARTIALLY_REFUNDED') return { cardMinor: 0, creditMinor: 0 };
  const settled = settlementOf(payment);
  return {
    cardMinor: Math.max(0, (payment.capturedAmountMinor ?? 0) - settled.keptMinor - payment.refundedMinor),
    creditMinor: Math.max(0, settled.creditSpendMinor - payment.refundedCreditMinor),
  };
}

/** How a refund of `amountMinor` is made: the card first, then what credits paid; the platform's transfer reversed in proportion to the credits refunded. */
export interface RefundSplit {
  cardMinor: number;
  creditMinor: number;
  transferReversalMinor: number;
}

export function refundSplit(payment: Payment, amountMinor: number): RefundSplit {
  const refundable = refundableOf(payment);
  const cardMinor = Math.min(amountMinor, refundable.cardMinor);
  const creditMinor = Math.min(amountMinor - cardMinor, refundable.creditMinor);
  const settled = settlementOf(payment);
  const transfer = payment.platformTransferId ? settled.platformTransferMinor : 0;
  const proportional = settled.creditSpendMinor > 0 ? Math.floor((transfer * creditMinor * 2 + settled.creditSpendMinor) / (2 * settled.creditSpendMinor)) : 0;
  const last = creditMinor === refundable.creditMinor;
  const transferReversalMinor = Math.min(transfer - payment.platformTransferReversedMinor, last ? transfer : proportional);
  return { cardMinor, creditMinor, transferReversalMinor: Math.max(0, transferReversalMinor) };
}

/** Where a charged payment stands once its refunds settled: REFUNDED when nothing is left to give back. */
export function refundedStatus(payment: Payment): 'CAPTURED' | 'PARTIALLY_REFUNDED' | 'REFUNDED' {
  if (payment.refundedMinor === 0 && payment.refundedCreditMinor === 0) return 'CAPTURED';
  const left = refundableOf({ ...payment, status: 'PARTIALLY_REFUNDED' });
  return left.cardMinor + left.creditMinor === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
}

export const refundKey = (bookingId: string, refundId: string) => `booking-${bookingId}-refund-${refundId}`;
export const transferReversalKey = (bookingId: string, refundId: string) => `booking-${bookingId}-refund-${refundId}-transfer-reversal`;

/** The key of the platform's transfer to the instructor of a booking's credits, per attempt (a refused one is kept under its key). */
export const creditTransferKey = (bookingId: string, attempt: number) => `booking-${bookingId}-credit-transfer${attempt > 0 ? `-${attempt}` : ''}`;
