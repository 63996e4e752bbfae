import { randomUUID } from 'node:crypto';
import { decodeInstantIdCursor, encodeOpaqueCursor, isUuid, type Caller, type Logger } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import type { Clock } from './booking.ports';
import { requireIdempotencyKey, requirePageSize } from './booking.rules';
import type { PayoutAccountDirectory } from './payout-accounts.ports';
import { payoutFact } from './payout.events';
import type { PayoutPageKey, PayoutProvider, PayoutRepository, PayoutUnitOfWork } from './payout.ports';
import {
  instantPayoutFee,
  instantPayoutRefusal,
  maxInstantPayout,
  payoutKey,
  payoutMovesForward,
  payoutStatusOf,
  refusalError,
  requirePayoutAmount,
  type PayoutRefusal,
  type PayoutTerms,
} from './payout.rules';
import type { AccountBalance, Payout, ProviderPayout } from './payout.types';

export interface InstructorEarnings {
  currency: string;
  /** Captured lessons not yet settled by Stripe. */
  pendingMinor: number;
  /** Settled: what Stripe's standard payouts send to the bank. */
  availableMinor: number;
  /** What an instant payout may take now (0 when the account takes no instant payouts). */
  instantAvailableMinor: number;
  /** Payouts asked for or on their way to the bank. */
  inTransitMinor: number;
  /** Payouts that arrived. */
  paidOutMinor: number;
  payoutsEnabled: boolean;
  /** The largest instant payout whose amount and fee fit in the instant-available balance (0 when none). */
  maxInstantPayoutMinor: number;
}

export interface InstantPayoutQuote {
  amountMinor: number;
  feeMinor: number;
  /** What reaches the instructor's card: the amount (the fee is taken from the balance on top). */
  netMinor: number;
  /** What leaves the balance: amount + fee. */
  totalMinor: number;
  currency: string;
  instantAvailableMinor: number;
  maxAmountMinor: number;
  eligible: boolean;
  refusal: PayoutRefusal | null;
}

export interface PayoutPage {
  edges: { cursor: string; node: Payout }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export type PayoutApplyOutcome = 'applied' | 'unchanged' | 'unknown';

const STRIPE_REFUSALS: Record<string, PayoutRefusal['code']> = {
  balance_insufficient: 'INSUFFICIENT_BALANCE',
  instant_payouts_unsupported: 'INSTANT_PAYOUTS_UNSUPPORTED',
  payouts_not_allowed: 'PAYOUTS_NOT_ENABLED',
};

const encodePayoutCursor = (payout: Payout) => encodeOpaqueCursor([payout.requestedAt.toISOString(), payout.id]);

function decodePayoutCursor(cursor: string | null | undefined): PayoutPageKey | null {
  if (cursor === null || cursor === undefined) return null;
  const key = decodeInstantIdCursor(cursor);
  if (key) return { requestedAt: key.at, id: key.id };
  throw new BookingError(BookingErrorCode.InvalidCursor, 'after is not a cursor this query returned');
}

/**
 * An instructor's money after capture (DESIGN §5): their Connect balances as Stripe reports them,
 * instant payouts with the fee shown first, and every payout's fate from Stripe's webhooks. A
 * request is written REQUESTED before Stripe is called (outside any transaction, with an
 * idempotency key per payout); the database allows one request in flight per instructor, so two
 * racing requests can never overdraw the balance; a refusal by Stripe removes the request, and a
 * call that never came back is sent again with the same key by reconciliation.
 */
export class InstructorPayouts {
  constructor(
    private readonly repository: PayoutRepository,
    private readonly provider: PayoutProvider,
    private readonly accounts: PayoutAccountDirectory,
    private readonly terms: PayoutTerms,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onDrift: (kind: 'payout') => void = () => undefined,
  ) {}

  private async instructorOf(caller: Caller): Promise<string> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to see your earnings');
    const instructorId = await this.repository.instructorOfUser(caller.userId);
    if (!instructorId) throw new BookingError(BookingErrorCode.InstructorProfileRequired, 'Only instructors have earnings and payouts');
    return instructorId;
  }

  private async balanceOf(stripeAccountId: string | null | undefined): Promise<AccountBalance | null> {
    return stripeAccountId ? this.provider.balance(stripeAccountId, this.terms.currency) : null;
  }

  async earnings(caller: Caller): Promise<InstructorEarnings> {
    const instructorId = await this.instructorOf(caller);
    const account = await this.accounts.find(instructorId);
    const [balance, totals] = await Promise.all([this.balanceOf(account?.stripeAccountId), this.repository.totals(instructorId, this.terms.currency)]);
    const instantAvailable = balance?.instantAvailable ?? 0;
    return {
      currency: this.terms.currency,
      pendingMinor: balance?.pending ?? 0,
      availableMinor: balance?.available ?? 0,
      instantAvailableMinor: instantAvailable,
      inTransitMinor: totals.inTransitMinor,
      paidOutMinor: totals.paidOutMinor,
      payoutsEnabled: Boolean(account?.stripeAccountId && account.payoutsEnabled),
      maxInstantPayoutMinor: account?.payoutsEnabled ? maxInstantPayout(this.terms, instantAvailable) : 0,
    };
  }

  /** What an instant payout of `amountMinor` would cost and deliver now, and whether it can be made (nothing is written). */
  async quote(caller: Caller, amountMinor: number): Promise<InstantPayoutQuote> {
    const amount = requirePayoutAmount(this.terms, amountMinor);
    const instructorId = await this.instructorOf(caller);
    const account = await this.accounts.find(instructorId);
    const balance = await this.balanceOf(account?.payoutsEnabled ? account.stripeAccountId : null);
    const fee = instantPayoutFee(this.terms, amount);
    const refusal = instantPayoutRefusal(this.terms, account, balance, amount);
    const instantAvailable = balance?.instantAvailable ?? 0;
    return {
      amountMinor: amount,
      feeMinor: fee,
      netMinor: amount,
      totalMinor: amount + fee,
      currency: this.terms.currency,
      instantAvailableMinor: instantAvailable,
      maxAmountMinor: maxInstantPayout(this.terms, instantAvailable),
      eligible: refusal === null,
      refusal,
    };
  }

  /**
   * Pays `amountMinor` out to the instructor's debit card now, its fee taken from the balance on
   * top. The same idempotency key answers the same payout on every retry (another amount under it
   * is IDEMPOTENCY_KEY_REUSED). Refusals change nothing.
   */
  async requestInstant(caller: Caller, amountMinor: number, idempotencyKey: string | null | undefined): Promise<Payout> {
    const amount = requirePayoutAmount(this.terms, amountMinor);
    const key = idempotencyKey == null ? null : requireIdempotencyKey(idempotencyKey);
    const instructorId = await this.instructorOf(caller);
    if (key) {
      const earlier = await this.repository.findByKey(instructorId, key);
      if (earlier) return this.retried(earlier, amount);
    }
    const account = await this.accounts.find(instructorId);
    const balance = await this.balanceOf(account?.payoutsEnabled ? account.stripeAccountId : null);
    const refusal = instantPayoutRefusal(this.terms, account, balance, amount);
    if (refusal) {
      throw refusalError(refusal, { amountMinor: amount, feeMinor: instantPayoutFee(this.terms, amount), instantAvailableMinor: balance?.instantAvailable ?? 0 });
    }
    const now = this.clock();
    const inserted = await this.repository.insertRequested({
      id: randomUUID(),
      instructorId,
      stripeAccountId: account!.stripeAccountId!,
      stripePayoutId: null,
      method: 'INSTANT',
      status: 'REQUESTED',
      amountMinor: amount,
      feeMinor: instantPayoutFee(this.terms, amount),
      currency: this.terms.currency,
      idempotencyKey: key,
      arrivalAt: null,
      requestedAt: now,
    });
    if (inserted === 'KEY_TAKEN') return this.retried((await this.repository.findByKey(instructorId, key!))!, amount);
    if (inserted === 'IN_PROGRESS') {
      throw new BookingError(BookingErrorCode.PayoutInProgress, 'Another payout is being requested for you; try again in a moment');
    }
    return this.send(inserted, 'request');
  }

  private async retried(earlier: Payout, amount: number): Promise<Payout> {
    if (earlier.amountMinor !== amount) {
      throw new BookingError(BookingErrorCode.IdempotencyKeyReused, 'This idempotencyKey was used for another payout', { payoutId: earlier.id, amountMinor: earlier.amountMinor });
    }
    return earlier.status === 'REQUESTED' ? this.send(earlier, 'request') : earlier;
  }

  /**
   * Asks Stripe for the payout (outside any transaction, with the payout's own key) and records
   * its answer. Refused: from the API the request is removed and the refusal answered; from
   * reconciliation it is recorded FAILED. Not reached: it stays REQUESTED for reconciliation.
   */
  private async send(payout: Payout, by: 'request' | 'reconciliation'): Promise<Payout> {
    let outcome;
    try {
      outcome = await this.provider.createInstantPayout({
        accountId: payout.stripeAccountId,
        amountMinor: payout.amountMinor,
        currency: payout.currency,
        payoutId: payout.id,
        instructorId: payout.instructorId,
        idempotencyKey: payoutKey(payout.id),
      });
    } catch (error) {
      if (error instanceof BookingError && error.code === BookingErrorCode.PaymentProviderUnavailable) {
        this.logger.warn({ payoutId: payout.id, err: error }, 'payout request did not reach Stripe; reconciliation sends it again');
        return payout;
      }
      throw error;
    }
    if (outcome.kind === 'REFUSED') {
      const refusal: PayoutRefusal = { code: STRIPE_REFUSALS[outcome.code] ?? 'PAYOUTS_NOT_ENABLED', message: outcome.message };
      if (by === 'request') {
        await this.repository.discard(payout.id);
        throw refusalError(refusal, { stripeCode: outcome.code });
      }
      return this.repository.transaction(async (uow) => {
        const now = this.clock();
        const current = await uow.lockPayout(payout.id);
        if (!current || current.status !== 'REQUESTED') return current ?? payout;
        const failed = await uow.update(current, { status: 'FAILED', failedAt: now, failure: { code: outcome.code, message: outcome.message } });
        if (failed) await uow.publish(payoutFact('payout.failed', failed, now));
        return failed ?? current;
      });
    }
    return this.repository.transaction(async (uow) => (await this.record(uow, outcome.payout, payout.instructorId, payout.stripeAccountId)).payout ?? payout);
  }

  /**
   * Applies Stripe's current state of a payout (re-read from Stripe, never taken from a webhook's
   * body): found by Stripe's id or the platform's own (in its metadata), or recorded when Stripe
   * made it (automatic standard payouts). Moves only forward, so duplicate, reordered and late
   * webhooks end in the same state.
   */
  async applyProviderPayout(stripeAccountId: string, stripePayoutId: string): Promise<PayoutApplyOutcome> {
    const remote = await this.provider.payout(stripeAccountId, stripePayoutId);
    if (!remote) return 'unknown';
    const instructorId = await this.repository.instructorOfAccount(stripeAccountId);
    if (!instructorId) return 'unknown';
    return this.repository.transaction(async (uow) => (await this.record(uow, remote, instructorId, stripeAccountId)).outcome);
  }

  private async record(uow: PayoutUnitOfWork, remote: ProviderPayout, instructorId: string, stripeAccountId: string): Promise<{ outcome: PayoutApplyOutcome; payout: Payout | null }> {
    const now = this.clock();
    const to = payoutStatusOf(remote.status);
    const local = (await uow.lockByStripeId(remote.id)) ?? (remote.payoutId && isUuid(remote.payoutId) ? await uow.lockPayout(remote.payoutId) : null);
    const times = { paidAt: to === 'PAID' ? now : null, failedAt: to === 'FAILED' || to === 'CANCELED' ? now : null };
    const failure = remote.failureCode ? { code: remote.failureCode, message: remote.failureMessage ?? '' } : null;
    if (!local) {
      const payout = await uow.insert({
        id: randomUUID(),
        instructorId,
        stripeAccountId,
        stripePayoutId: remote.id,
        method: remote.method === 'instant' ? 'INSTANT' : 'STANDARD',
        status: to,
        amountMinor: remote.amountMinor,
        feeMinor: remote.method === 'instant' ? instantPayoutFee(this.terms, remote.amountMinor) : 0,
        currency: remote.currency.toUpperCase(),
        idempotencyKey: null,
        arrivalAt: remote.arrivalAt,
        requestedAt: remote.createdAt,
        ...times,
        failure,
      });
      if (to === 'PAID') await uow.publish(payoutFact('payout.paid', payout, now));
      if (to === 'FAILED') await uow.publish(payoutFact('payout.failed', payout, now));
      return { outcome: 'applied', payout };
    }
    if (!payoutMovesForward(local.status, to)) return { outcome: 'unchanged', payout: local };
    const changed = await uow.update(local, {
      status: to,
      stripePayoutId: remote.id,
      arrivalAt: remote.arrivalAt,
      failure,
      ...(times.paidAt ? { paidAt: times.paidAt } : {}),
      ...(times.failedAt ? { failedAt: times.failedAt } : {}),
    });
    if (!changed) return { outcome: 'unchanged', payout: local };
    if (local.status === 'REQUESTED') await uow.publish(payoutFact('payout.requested', changed, now));
    if (to === 'PAID') await uow.publish(payoutFact('payout.paid', changed, now));
    if (to === 'FAILED') await uow.publish(payoutFact('payout.failed', changed, now));
    return { outcome: 'applied', payout: changed };
  }

  /** The signed-in instructor's payouts, newest first (cursor paging; at most 50 a page). */
  async mine(caller: Caller, first: number | null | undefined, after: string | null | undefined): Promise<PayoutPage> {
    const size = requirePageSize(first);
    const cursor = decodePayoutCursor(after);
    const instructorId = await this.instructorOf(caller);
    const rows = await this.repository.page(instructorId, cursor, size + 1);
    const edges = rows.slice(0, size).map((node) => ({ cursor: encodePayoutCursor(node), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * Reconciliation: requests whose Stripe call never came back are sent again with the same key
   * (Stripe answers the payout it made, or makes it now); payouts on their way untouched for
   * `olderThanMs` are compared with Stripe and repaired (a lost webhook). Returns how many drifted.
   */
  async reconcile(olderThanMs: number, batchSize = 100): Promise<number> {
    const now = this.clock().getTime();
    let drifted = 0;
    for (const payout of await this.repository.stuckRequests(new Date(now - this.terms.requestLeaseSeconds * 1000), batchSize)) {
      const after = await this.send(payout, 'reconciliation');
      if (after.status !== 'REQUESTED') {
        drifted += 1;
        this.onDrift('payout');
        this.logger.warn({ payoutId: payout.id, status: after.status }, 'payout request left unfinished; completed by reconciliation');
      }
    }
    for (const payout of await this.repository.unsettled(new Date(now - olderThanMs), batchSize)) {
      if ((await this.applyProviderPayout(payout.stripeAccountId, payout.stripePayoutId!)) === 'applied') {
        drifted += 1;
        this.onDrift('payout');
        this.logger.warn({ payoutId: payout.id, stripePayoutId: payout.stripePayoutId, status: payout.status }, 'payout drifted from Stripe; repaired');
      }
    }
    return drifted;
  }
}
