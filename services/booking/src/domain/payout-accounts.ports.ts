import type { InstructorPayoutAccountUpdatedV1 } from '@instainstru/events';

/** An instructor's Stripe Connect account as booking knows it: the destination of charges and payouts. */
export interface InstructorPayoutAccount {
  /** Null when the instructor has no account (never created, or removed). */
  stripeAccountId: string | null;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
}

/**
 * Where booking looks up an instructor's Connect account (destination charges, payouts). Kept from
 * the instructor service's private payout-account events; the instructor service owns the state.
 */
export interface PayoutAccountDirectory {
  /** Null when booking has not heard of the instructor's payout account (no event yet). */
  find(instructorId: string): Promise<InstructorPayoutAccount | null>;
}

/**
 * An instructor's whole Connect state at a revision, as `instructor.payout-account-updated`
 * carries it (validated against its schema before it gets here).
 */
export type PayoutAccountState = InstructorPayoutAccountUpdatedV1;

/** Writes booking's read model of payout accounts inside the consumer's transaction (which also records the inbox row). */
export interface PayoutAccountsUnitOfWork {
  /** Stores the state unless the stored revision is newer (the same revision carries the same state); true when stored. */
  applyIfNewer(state: PayoutAccountState): Promise<boolean>;
}
