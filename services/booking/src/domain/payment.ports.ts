import type { NewEvent } from '@instainstru/events';
import type { Booking, BookingTransition } from './booking.types';
import type { Payment, Refund, SavedPaymentMethod } from './payment.types';
import type { CancellationPolicy } from './cancellation.rules';
import type { NewCreditLot } from './credits.ports';
import type { ReferralVoidReason } from './referrals.types';

/** A PaymentIntent as the payments flow reads it from the provider. */
export interface IntentState {
  id: string;
  status: 'requires_payment_method' | 'requires_confirmation' | 'requires_action' | 'processing' | 'requires_capture' | 'succeeded' | 'canceled';
  amountCapturable: number;
  amountReceived: number;
  captureBefore: Date | null;
  clientSecret: string | null;
  bookingId: string | null;
  lastError: { code: string; declineCode: string | null; message: string } | null;
}

export interface AuthorizationRequest {
  bookingId: string;
  attempt: number;
  customerId: string;
  paymentMethodId: string;
  amountMinor: number;
  currency: string;
  applicationFeeMinor: number;
  destinationAccount: string;
  /** True while the student is booking (on-session: the bank may ask them to authenticate); false for the scheduled authorisation. */
  onSession: boolean;
  /** The intent of an earlier attempt, confirmed again instead of making a new one. */
  existingIntentId: string | null;
  idempotencyKey: string;
}

export type AuthorizationOutcome =
  | { kind: 'AUTHORIZED'; intent: IntentState }
  | { kind: 'DECLINED'; intentId: string | null; code: string; declineCode: string | null; message: string; clientSecret: string | null };

/** The platform's transfer to a connected account: made (or found made under the same key), or refused by Stripe (the balance short). */
export type TransferOutcome = { kind: 'TRANSFERRED'; transferId: string } | { kind: 'REFUSED'; code: string; message: string };

/** A refund or a transfer reversal: made (its Stripe id), or refused by Stripe. */
export type ProviderRefundOutcome = { kind: 'DONE'; id: string } | { kind: 'REFUSED'; code: string; message: string };

export type CaptureOutcome = { kind: 'CAPTURED'; amountMinor: number } | { kind: 'NOT_CAPTURABLE'; intent: IntentState | null };

/**
 * The payment provider (Stripe). Every mutating call carries the idempotency key it is given; a
 * provider that cannot be reached throws PaymentProviderUnavailable, and the caller tries again
 * with the same key.
 */
export interface PaymentProvider {
  createCustomer(studentId: string, idempotencyKey: string): Promise<string>;
  startSetup(customerId: string, idempotencyKey: string): Promise<{ setupIntentId: string; clientSecret: string }>;
  paymentMethodsOf(customerId: string): Promise<SavedPaymentMethod[]>;
  paymentMethod(id: string): Promise<SavedPaymentMethod | null>;
  authorize(request: AuthorizationRequest): Promise<AuthorizationOutcome>;
  capture(request: { paymentIntentId: string; amountMinor: number; applicationFeeMinor: number; idempotencyKey: string }): Promise<CaptureOutcome>;
  /** Moves funds from the platform's balance to a connected account (a booking's credits paid beyond the fee). */
  transfer(request: { amountMinor: number; currency: string; destinationAccount: string; bookingId: string; idempotencyKey: string }): Promise<TransferOutcome>;
  /**
   * Refunds part of a captured intent to the card, the instructor's transfer reversed and the
   * platform fee refunded in proportion; REFUSED when Stripe will not (e.g. already refunded).
   */
  refund(request: { paymentIntentId: string; amountMinor: number; bookingId: string; refundId: string; idempotencyKey: string }): Promise<ProviderRefundOutcome>;
  /** Takes back part of a transfer to a connected account (the platform's transfer of a booking's credits, refunded). */
  reverseTransfer(request: { transferId: string; amountMinor: number; bookingId: string; idempotencyKey: string }): Promise<ProviderRefundOutcome>;
  /** Cancels an uncaptured intent; an intent already canceled counts as done. */
  cancel(paymentIntentId: string, idempotencyKey: string): Promise<IntentState>;
  intent(id: string): Promise<IntentState | null>;
  /** Every intent the provider holds for a booking of this customer (found by the booking id in its metadata). */
  intentsOfBooking(customerId: string, bookingId: string): Promise<IntentState[]>;
}

/** A payment's changes, written with a compare-and-set on its version. */
export type PaymentChange = Partial<Omit<Payment, 'bookingId' | 'studentId' | 'customerId' | 'version' | 'updatedAt'>>;

/** The payments' side of one database transaction (with the booking's, and the outbox). */
export interface PaymentUnitOfWork {
  lockPayment(bookingId: string): Promise<Payment | null>;
  /** Writes the change when the payment is still at `expectedVersion`; the booking's payment_status follows. */
  updatePayment(payment: Payment, change: PaymentChange): Promise<Payment | null>;
  /** Locks up to `limit` payments whose next step is due at `now` (others skip them). */
  lockDue(kind: 'AUTHORIZE' | 'COMMAND' | 'DEADLINE', now: Date, limit: number): Promise<Payment[]>;
  findBooking(id: string): Promise<Booking | null>;
  /** The cancellation policy version the booking was made under. */
  cancellationPolicyOf(bookingId: string): Promise<CancellationPolicy>;
  /** Grants the student a lot of credits in this transaction (a goodwill credit), with its event. */
  grantCredit(lot: NewCreditLot): Promise<void>;
  /**
   * Settles the credits the booking reserved: `spendMinor` spent, the rest back to the student;
   * nothing moves once the reservation is empty (settling again changes nothing).
   */
  settleCredits(payment: Payment, spendMinor: number): Promise<{ spentMinor: number; releasedMinor: number }>;
  /** Records a refund PENDING (one in flight per booking: a second is refused by the database). */
  insertRefund(refund: Omit<Refund, 'status' | 'stripeRefundId' | 'stripeTransferReversalId' | 'creditLotId' | 'failure' | 'createdAt' | 'settledAt'>): Promise<Refund>;
  /** The booking's refund in flight, locked for this transaction. */
  lockPendingRefund(bookingId: string): Promise<Refund | null>;
  /** Records how a pending refund ended. */
  settleRefund(id: string, change: Pick<Refund, 'status' | 'stripeRefundId' | 'stripeTransferReversalId' | 'creditLotId' | 'failure'> & { settledAt: Date }): Promise<Refund>;
  /** The referee's PENDING referral starts its dispute window with this (their first completed, charged) lesson. */
  qualifyReferral(refereeId: string, bookingId: string, dueAt: Date, at: Date): Promise<void>;
  /** The referral whose first lesson this booking is, not yet rewarded, is voided. */
  voidReferralOf(bookingId: string, reason: ReferralVoidReason, at: Date): Promise<void>;
  transitionBooking(id: string, change: BookingTransition): Promise<Booking | null>;
  publish(event: NewEvent<object>): Promise<void>;
}

export interface PaymentRepository {
  customerOf(studentId: string): Promise<string | null>;
  /** Records the student's customer; answers the one recorded first when two calls raced. */
  saveCustomer(studentId: string, customerId: string): Promise<string>;
  findPayment(bookingId: string): Promise<Payment | null>;
  /** Many bookings' payments at once (a page of bookings). */
  paymentsOf(bookingIds: readonly string[]): Promise<Payment[]>;
  /** Whether a provider event id was recorded (handled before). */
  providerEventSeen(eventId: string): Promise<boolean>;
  /** Records a provider event id; false when it was recorded before (a redelivery). */
  rememberProviderEvent(eventId: string, type: string): Promise<boolean>;
  /** Payments in flight or authorised, for reconciliation (oldest update first). */
  unsettled(updatedBefore: Date, limit: number): Promise<Payment[]>;
  paymentByIntent(paymentIntentId: string): Promise<Payment | null>;
  /** The booking's refund in flight, if any. */
  pendingRefund(bookingId: string): Promise<Refund | null>;
  /** Many bookings' refunds, oldest first. */
  refundsOf(bookingIds: readonly string[]): Promise<Refund[]>;
  cancellationPolicyOf(bookingId: string): Promise<CancellationPolicy>;
  transaction<T>(work: (unitOfWork: PaymentUnitOfWork) => Promise<T>): Promise<T>;
}
