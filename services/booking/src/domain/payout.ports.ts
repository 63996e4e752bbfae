import type { NewEvent } from '@instainstru/events';
import type { AccountBalance, Payout, PayoutStatus, ProviderPayout } from './payout.types';

/** Stripe's answer to a payout request: made, or refused (its code: balance_insufficient, instant_payouts_unsupported, payouts_not_allowed, …). */
export type PayoutOutcome = { kind: 'CREATED'; payout: ProviderPayout } | { kind: 'REFUSED'; code: string; message: string };

/**
 * Payouts from instructors' Connect accounts (Stripe, with the `Stripe-Account` header). Every
 * mutating call carries the idempotency key it is given; a provider that cannot be reached throws
 * PAYMENT_PROVIDER_UNAVAILABLE and the caller tries again with the same key.
 */
export interface PayoutProvider {
  balance(accountId: string, currency: string): Promise<AccountBalance>;
  createInstantPayout(request: { accountId: string; amountMinor: number; currency: string; payoutId: string; instructorId: string; idempotencyKey: string }): Promise<PayoutOutcome>;
  /** A payout as Stripe holds it now (null when Stripe does not know it). */
  payout(accountId: string, payoutId: string): Promise<ProviderPayout | null>;
}

/** A payout's changes, written with a compare-and-set on its version. */
export type PayoutChange = Partial<Pick<Payout, 'status' | 'stripePayoutId' | 'arrivalAt' | 'failure' | 'paidAt' | 'failedAt'>>;

export type NewPayout = Omit<Payout, 'version' | 'updatedAt' | 'paidAt' | 'failedAt' | 'failure'> & Partial<Pick<Payout, 'paidAt' | 'failedAt' | 'failure'>>;

export interface PayoutPageKey {
  requestedAt: string;
  id: string;
}

/** One transaction over payouts and the outbox. */
export interface PayoutUnitOfWork {
  lockPayout(id: string): Promise<Payout | null>;
  lockByStripeId(stripePayoutId: string): Promise<Payout | null>;
  insert(payout: NewPayout): Promise<Payout>;
  update(payout: Payout, change: PayoutChange): Promise<Payout | null>;
  publish(event: NewEvent<object>): Promise<void>;
}

export interface PayoutRepository {
  /** The instructor whose account this signed-in user is (from instructor events); null for anyone else. */
  instructorOfUser(userId: string): Promise<string | null>;
  /** The instructor whose Connect account this is (booking's read model). */
  instructorOfAccount(stripeAccountId: string): Promise<string | null>;
  /** Paid out (PAID) and on its way (REQUESTED, PENDING, IN_TRANSIT), in minor units of `currency`. */
  totals(instructorId: string, currency: string): Promise<{ paidOutMinor: number; inTransitMinor: number }>;
  findByKey(instructorId: string, idempotencyKey: string): Promise<Payout | null>;
  /**
   * Records a payout request (REQUESTED), refused when the instructor has one in flight already
   * (IN_PROGRESS, enforced by the database) or when the idempotency key was taken meanwhile (KEY_TAKEN).
   */
  insertRequested(payout: NewPayout): Promise<Payout | 'IN_PROGRESS' | 'KEY_TAKEN'>;
  /** Removes a request Stripe refused (nothing left the balance); only while it is REQUESTED. */
  discard(id: string): Promise<void>;
  /** Newest first, after `after`. */
  page(instructorId: string, after: PayoutPageKey | null, limit: number): Promise<Payout[]>;
  /** Requests still REQUESTED since before `before` (their Stripe call never came back). */
  stuckRequests(before: Date, limit: number): Promise<Payout[]>;
  /** Payouts on their way untouched since before `before`, for reconciliation. */
  unsettled(before: Date, limit: number): Promise<Payout[]>;
  transaction<T>(work: (unitOfWork: PayoutUnitOfWork) => Promise<T>): Promise<T>;
}

export type { PayoutStatus };
