/**
 * Where a booking's money stands (DESIGN §5). SCHEDULED until the authorisation is due
 * (start − lead time); AUTHORIZING while the card is being authorised (retries after soft declines
 * stay here); ACTION_REQUIRED when only the student can fix it (authentication, a hard decline);
 * AUTHORIZED once the amount is held on the card; CAPTURING → CAPTURED after the lesson; VOIDING →
 * VOIDED when the booking is cancelled; FAILED when it can no longer be collected (the system
 * cancelled the booking for want of payment, or the authorisation expired before capture);
 * REFUNDING while a refund of a charged payment is being made, then PARTIALLY_REFUNDED or REFUNDED.
 */
export type PaymentStatus =
  | 'SCHEDULED'
  | 'AUTHORIZING'
  | 'ACTION_REQUIRED'
  | 'AUTHORIZED'
  | 'CAPTURING'
  | 'CAPTURED'
  | 'VOIDING'
  | 'VOIDED'
  | 'FAILED'
  | 'REFUNDING'
  | 'PARTIALLY_REFUNDED'
  | 'REFUNDED';

/** What the student must do: authenticate with their bank (the client secret completes it) or give another card. */
export interface PaymentAction {
  type: 'AUTHENTICATE' | 'NEW_PAYMENT_METHOD';
  /** For AUTHENTICATE: the PaymentIntent's client secret, which Stripe.js needs to complete it. */
  clientSecret: string | null;
}

export interface PaymentFailure {
  /** Stripe's code (`card_declined`, `authentication_required`, …) or ours (`payment_not_authorized`, `authorization_expired`). */
  code: string;
  message: string;
}

export interface Payment extends NewPayment {
  bookingId: string;
  status: PaymentStatus;
  studentId: string;
  /** The attempt the next or current authorisation call makes (its idempotency key carries it). */
  attempt: number;
  nextAttemptAt: Date | null;
  paymentIntentId: string | null;
  authorizedAmountMinor: number | null;
  capturedAmountMinor: number | null;
  /** What the capture charges, credits included, when less than the price (a late cancellation's share); null: the whole price. */
  captureAmountMinor: number | null;
  /** The platform fee of that capture (prorated); null: the whole fee. */
  captureFeeMinor: number | null;
  /** The platform's transfer to the instructor of what credits paid beyond the platform fee (made at capture). */
  platformTransferId: string | null;
  /** Refused tries of that transfer so far: its idempotency key carries the number (a refusal is kept under its key). */
  creditTransferAttempt: number;
  /**
   * The card amount a cancellation would have released that the student took as platform credits
   * instead: captured with the charge, kept by the platform, granted as a credit lot (at the
   * policy's rate) once captured.
   */
  creditInsteadMinor: number;
  /** Refunded so far: to the card, as credits (what credits had paid), and of the platform's transfer, reversed. */
  refundedMinor: number;
  refundedCreditMinor: number;
  platformTransferReversedMinor: number;
  /** When Stripe releases the authorisation if it has not been captured. */
  captureBefore: Date | null;
  authorizedAt: Date | null;
  capturedAt: Date | null;
  voidedAt: Date | null;
  failure: PaymentFailure | null;
  action: PaymentAction | null;
  version: number;
  updatedAt: Date;
}

/**
 * A new booking's payment, as the create writes it with the booking. The price is paid by the
 * card (amountMinor) and the student's credits (creditMinor); a lesson the credits cover wholly
 * has no card (customer and method null) and is never authorised.
 */
export interface NewPayment {
  customerId: string | null;
  paymentMethodId: string | null;
  /** What the card is authorised for: the price less the credits applied. */
  amountMinor: number;
  /** The credits applied, reserved on the ledger with the booking. */
  creditMinor: number;
  currency: string;
  /** The platform's fee on the whole price. */
  platformFeeMinor: number;
  /** The card charge's application fee: the platform fee less the credits, never below zero. */
  applicationFeeMinor: number;
  /** The instructor's Stripe Connect account, the destination of the charge. */
  destinationAccount: string;
  authorizeAt: Date;
  /** Unresolved by then (start − 12 h by default), the booking is cancelled by the system. */
  actionDeadline: Date;
}

/** A card saved for later payments, as the student sees it. */
export interface SavedPaymentMethod {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  /** Stripe's fingerprint of the card number: the same card saved twice has the same one. */
  fingerprint: string | null;
  /** The Stripe customer it is attached to (null when detached). */
  customerId: string | null;
}

/**
 * A refund of a charged booking: the card's part (Stripe refund, the instructor's transfer reversed
 * and the fee refunded in proportion), the part credits had paid (returned as a credit lot), and
 * the platform's own transfer to the instructor reversed in proportion. PENDING while the payments
 * worker makes it; at most one is pending per booking.
 */
export interface Refund {
  id: string;
  bookingId: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  cardMinor: number;
  creditMinor: number;
  transferReversalMinor: number;
  currency: string;
  reason: string;
  requestedBy: string;
  stripeRefundId: string | null;
  stripeTransferReversalId: string | null;
  creditLotId: string | null;
  failure: PaymentFailure | null;
  createdAt: Date;
  settledAt: Date | null;
}
