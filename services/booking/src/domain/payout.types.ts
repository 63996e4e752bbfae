/**
 * Money leaving an instructor's Stripe Connect balance for their bank or debit card (DESIGN §5).
 * REQUESTED while the platform asks Stripe for an instant payout (the call's lease); PENDING once
 * Stripe accepted it; IN_TRANSIT on its way; PAID when it arrived; FAILED when the bank refused it
 * (Stripe puts the amount and the fee back on the balance); CANCELED when Stripe cancelled it.
 * Stripe's automatic standard payouts appear too, from Stripe's webhooks.
 */
export type PayoutStatus = 'REQUESTED' | 'PENDING' | 'IN_TRANSIT' | 'PAID' | 'FAILED' | 'CANCELED';

export type PayoutMethod = 'INSTANT' | 'STANDARD';

export interface Payout {
  id: string;
  instructorId: string;
  stripeAccountId: string;
  /** Stripe's payout id (po_…); null while it is being requested. */
  stripePayoutId: string | null;
  method: PayoutMethod;
  status: PayoutStatus;
  /** What reaches the instructor's card or bank. */
  amountMinor: number;
  /** The instant payout fee, taken from the balance on top of the amount (0 for standard payouts). */
  feeMinor: number;
  currency: string;
  /** The instructor's own key for retries (requestInstantPayout's idempotencyKey). */
  idempotencyKey: string | null;
  arrivalAt: Date | null;
  failure: { code: string; message: string } | null;
  requestedAt: Date;
  paidAt: Date | null;
  failedAt: Date | null;
  version: number;
  updatedAt: Date;
}

/** An instructor's Connect balances as Stripe reports them, in one currency (minor units). */
export interface AccountBalance {
  available: number;
  pending: number;
  /** What an instant payout may take now; null when the account has no card or bank that takes instant payouts. */
  instantAvailable: number | null;
}

/** A payout as Stripe reports it (read back from Stripe, never taken from a webhook's body). */
export interface ProviderPayout {
  id: string;
  status: 'pending' | 'in_transit' | 'paid' | 'failed' | 'canceled';
  method: 'standard' | 'instant';
  amountMinor: number;
  currency: string;
  arrivalAt: Date | null;
  createdAt: Date;
  failureCode: string | null;
  failureMessage: string | null;
  /** The platform's payout id, when the platform asked for it (its metadata). */
  payoutId: string | null;
}
