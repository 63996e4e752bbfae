/**
 * Where a booking's money stands (DESIGN §5). SCHEDULED until the authorisation is due
 * (start − lead time); AUTHORIZING while the card is being authorised (retries after soft declines
 * stay here); ACTION_REQUIRED when only the student can fix it (authentication, a hard decline);
 * AUTHORIZED once the amount is held on the card; CAPTURING → CAPTURED after the lesson; VOIDING →
 * VOIDED when the booking is cancelled; FAILED when it can no longer be collected (the system
 * cancelled the booking for want of payment, or the authorisation expired before capture).
 */
export type PaymentStatus = 'SCHEDULED' | 'AUTHORIZING' | 'ACTION_REQUIRED' | 'AUTHORIZED' | 'CAPTURING' | 'CAPTURED' | 'VOIDING' | 'VOIDED' | 'FAILED';

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
  /** What the capture takes, when less than the authorisation (a late cancellation's share); null: all of it. */
  captureAmountMinor: number | null;
  /** The platform fee of that capture (prorated); null: the whole fee. */
  captureFeeMinor: number | null;
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

/** A new booking's payment, as the create writes it with the booking. */
export interface NewPayment {
  customerId: string;
  paymentMethodId: string;
  amountMinor: number;
  currency: string;
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
