import { randomUUID } from 'node:crypto';
import { hasRole, isUuid, type Caller, type Logger } from '@instainstru/platform';
import { normaliseReason } from './booking.rules';
import { BookingError, BookingErrorCode, bookingNotFound } from './booking.errors';
import { bookingEventFor } from './booking.events';
import type { Clock } from './booking.ports';
import type { Booking, CancellationChoice } from './booking.types';
import { paymentCommand, paymentFact, refundFact } from './payment.events';
import type { AuthorizationRequest, CaptureOutcome, IntentState, PaymentChange, PaymentProvider, PaymentRepository, PaymentUnitOfWork } from './payment.ports';
import {
  authorizationKey,
  captureKey,
  creditTransferKey,
  declineKind,
  nextRetryAt,
  onSessionAuthorizationKey,
  refundableOf,
  refundedStatus,
  refundKey,
  refundSplit,
  settlementOf,
  transferReversalKey,
  voidingStatus,
  voidKey,
  type PaymentTerms,
} from './payment.rules';
import type { Payment } from './payment.types';
import { cancellerOf } from './booking-lifecycle.service';
import { DEFAULT_CREDIT_TERMS } from './credits.service';
import { cancellationTerms, creditInsteadOf, type CancellationTerms } from './cancellation.rules';
import type { PaymentMethods } from './payment-methods.service';
import type { NewCreditLot } from './credits.ports';

/** What an authorisation while booking came to: DECLINED (nothing changed) or MOVED (the payment and booking were updated). */
export type OnSessionOutcome = { kind: 'MOVED' } | { kind: 'DECLINED'; intentId: string | null; code: string; declineCode: string | null; message: string };

/** The authorisation call for a payment's current attempt. */
function authorizationOf(payment: Payment, call: Pick<AuthorizationRequest, 'onSession' | 'existingIntentId' | 'idempotencyKey'>): AuthorizationRequest {
  if (!payment.customerId || !payment.paymentMethodId) throw new Error(`booking ${payment.bookingId} has no card to authorise`);
  return {
    bookingId: payment.bookingId,
    attempt: payment.attempt,
    customerId: payment.customerId,
    paymentMethodId: payment.paymentMethodId,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    applicationFeeMinor: payment.applicationFeeMinor,
    destinationAccount: payment.destinationAccount,
    ...call,
  };
}

/** What operators watch: drift repaired by reconciliation, and credit transfers Stripe refused (the platform's balance short). */
export interface PaymentSignals {
  drift(kind: 'payment'): void;
  creditTransferRefused(): void;
}

const QUIET: PaymentSignals = { drift: () => undefined, creditTransferRefused: () => undefined };

/** What follows a payment's charge and refunds, in their transactions. */
export interface PaymentFollowers {
  lessonCharged(uow: PaymentUnitOfWork, payment: Payment, booking: Booking | null, now: Date): Promise<void>;
  lessonRefunded(uow: PaymentUnitOfWork, payment: Payment, now: Date): Promise<void>;
}

const NO_FOLLOWERS: PaymentFollowers = { lessonCharged: async () => undefined, lessonRefunded: async () => undefined };

/** A lot of credits a booking gives its student (goodwill, credits instead of a release, a refund), lasting the default expiry. */
const bookingCredit = (lot: Omit<NewCreditLot, 'expiresAt'>, now: Date): NewCreditLot => ({
  ...lot,
  expiresAt: new Date(now.getTime() + DEFAULT_CREDIT_TERMS.defaultExpiryDays * 86_400_000),
});

const NOT_AUTHORIZED_IN_TIME = { code: 'payment_not_authorized', message: 'The payment was not authorised before the deadline' };

const LIVE_INTENT = new Set<IntentState['status']>(['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture', 'processing']);

/**
 * A booking's payment after it was written SCHEDULED with the booking (DESIGN §5). Every step is a
 * compare-and-set on the payment's row in a transaction that also appends its events; every call
 * to Stripe happens between transactions, driven by a command event (`payment.*-due`) the worker
 * consumes, with an idempotency key per booking (and attempt). A worker that dies mid-call leaves
 * the payment in progress with a lease (`next_attempt_at`): when it runs out the command is sent
 * again, and the same key reaches the same PaymentIntent, so a booking never has two live
 * authorisations.
 */
export class Payments {
  constructor(
    private readonly repository: PaymentRepository,
    private readonly provider: PaymentProvider,
    private readonly methods: PaymentMethods,
    private readonly terms: PaymentTerms,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly signals: PaymentSignals = QUIET,
    /** Follow charges and refunds in their transactions (referrals: a first lesson charged starts the reward's wait; refunded, voids it). */
    private readonly followers: PaymentFollowers = NO_FOLLOWERS,
  ) {}

  private lease(now: Date): Date {
    return new Date(now.getTime() + this.terms.leaseSeconds * 1000);
  }

  /**
   * Writes a change and its event(s); a payment changed meanwhile is left as it is (null). A
   * payment reaching its end settles the credits its booking reserved in the same transaction:
   * CAPTURED spends what the charge took of them and gives back the rest, VOIDED and FAILED give
   * them all back (settling is idempotent: an empty reservation moves nothing).
   */
  private async change(uow: PaymentUnitOfWork, payment: Payment, change: PaymentChange, now: Date, fact?: Parameters<typeof paymentFact>[0]): Promise<Payment | null> {
    const changed = await uow.updatePayment(payment, change);
    if (!changed) return null;
    if (changed.creditMinor > 0 && (change.status === 'CAPTURED' || change.status === 'VOIDED' || change.status === 'FAILED')) {
      await uow.settleCredits(changed, change.status === 'CAPTURED' ? settlementOf(changed).creditSpendMinor : 0);
    }
    if (fact) await uow.publish(paymentFact(fact, changed, now));
    const command = change.status || change.attempt !== undefined ? paymentCommand(changed, now) : null;
    if (command && changed.nextAttemptAt && changed.nextAttemptAt > now) await uow.publish(command);
    return changed;
  }

  /**
   * The payment follows its booking, in the booking's transaction: a cancelled booking's
   * authorisation is voided (nothing to call when none was made), a completed or no-show lesson is
   * captured once authorised. Answers the payment as changed; null when it did not change.
   */
  async followBooking(uow: PaymentUnitOfWork, booking: Booking, now: Date, choice: CancellationChoice = {}): Promise<Payment | null> {
    const payment = await uow.lockPayment(booking.id);
    if (booking.status === 'CANCELLED' && booking.cancellation) return this.followCancellation(uow, booking, booking.cancellation, payment, now, choice);
    if (!payment) return null;
    if ((booking.status === 'COMPLETED' || booking.status === 'NO_SHOW') && payment.status === 'AUTHORIZED') {
      return this.change(uow, payment, { status: 'CAPTURING', nextAttemptAt: this.lease(now) }, now);
    }
    return null;
  }

  /**
   * A cancellation, by the cancellation policy the booking was made under (read once): the
   * student's goodwill credit when their instructor cancelled (in the cancellation's transaction,
   * so exactly once); a late cancellation captures its share of an authorisation and releases the
   * rest — or, when the student chose credits instead and the policy offers them, captures the rest
   * too and grants it as credits once captured; a charged payment (an instructor who did not show
   * up, reported after the capture) is refunded in full; otherwise the authorisation is voided.
   * Refuses (rolling the cancellation back) a choice of credits the policy does not offer now.
   */
  private async followCancellation(
    uow: PaymentUnitOfWork,
    booking: Booking,
    cancellation: NonNullable<Booking['cancellation']>,
    payment: Payment | null,
    now: Date,
    choice: CancellationChoice,
  ): Promise<Payment | null> {
    const policy = await uow.cancellationPolicyOf(booking.id);
    const terms = cancellationTerms(policy, cancellation.cancelledBy, new Date(booking.startsAt), new Date(cancellation.cancelledAt), payment, booking.price);
    if (choice.refundTo === 'CREDITS' && terms.creditInsteadMinor === null) {
      throw new BookingError(BookingErrorCode.CreditInsteadNotOffered, 'Credits instead of a refund are not offered for this cancellation: nothing goes back to your card, or the policy does not offer them', {
        policyVersion: policy.version,
        releasedMinor: terms.releasedMinor,
      });
    }
    if (terms.creditMinor > 0) await this.grantGoodwill(uow, booking, terms.creditMinor, now);
    if (!payment) return null;
    if (payment.status === 'CAPTURING' || payment.status === 'REFUNDING') {
      throw new BookingError(BookingErrorCode.PaymentInProgress, 'The payment is being processed; try again in a minute', { status: payment.status });
    }
    if (payment.status === 'CAPTURED' || payment.status === 'PARTIALLY_REFUNDED') {
      if (terms.refundMinor === 0) return null;
      return this.startRefund(uow, payment, terms.refundMinor, cancellation.reason ?? 'The booking was cancelled', cancellation.cancelledBy, now);
    }
    const creditInstead = choice.refundTo === 'CREDITS' ? terms.releasedMinor : 0;
    if (payment.status === 'AUTHORIZED' && (terms.chargeMinor > 0 || creditInstead > 0)) {
      return this.change(
        uow,
        payment,
        { status: 'CAPTURING', captureAmountMinor: terms.chargeMinor, captureFeeMinor: terms.platformFeeMinor, creditInsteadMinor: creditInstead, nextAttemptAt: this.lease(now) },
        now,
      );
    }
    const to = voidingStatus(payment);
    if (to === 'VOIDED') return this.change(uow, payment, { status: 'VOIDED', voidedAt: now, nextAttemptAt: null, action: null }, now, 'payment.voided');
    if (to === 'VOIDING') return this.change(uow, payment, { status: 'VOIDING', nextAttemptAt: this.lease(now), action: null }, now);
    return null;
  }

  /** The credits a student took instead of their card's release, granted once the capture that kept the amount succeeded (lot id: the booking's). */
  private async grantCreditInstead(uow: PaymentUnitOfWork, payment: Payment, now: Date): Promise<void> {
    const policy = await uow.cancellationPolicyOf(payment.bookingId);
    // Offered at the cancellation, under this very policy version: the rate applies to what was kept.
    const amountMinor = creditInsteadOf(policy, 'STUDENT', payment.creditInsteadMinor) ?? payment.creditInsteadMinor;
    await uow.grantCredit(
      bookingCredit({ id: payment.bookingId, studentId: payment.studentId, bookingId: payment.bookingId, currency: payment.currency, source: 'REFUND', amountMinor, reason: 'Credits instead of a refund for a cancelled lesson', grantedBy: null }, now),
    );
  }

  /**
   * Admins refund a charged booking, whole (no amount) or in part: the card first, then what its
   * credits paid (returned as credits). Every check is made before anything is written; the refund
   * is recorded PENDING with the payment REFUNDING, and the payments worker makes it at Stripe.
   */
  async refund(caller: Caller, input: { bookingId: string; amountMinor?: number | null; reason: string }): Promise<Payment> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to refund bookings');
    if (!hasRole(caller, 'admin')) throw new BookingError(BookingErrorCode.AdminOnly, 'Only admins refund bookings');
    const reason = normaliseReason(input.reason);
    if (!reason) throw new BookingError(BookingErrorCode.ReasonRequired, 'Say why the booking is refunded (reason)');
    if (!isUuid(input.bookingId)) throw bookingNotFound(input.bookingId);
    const check = (payment: Payment | null): number => {
      if (!payment) throw bookingNotFound(input.bookingId);
      if (payment.status === 'REFUNDING') throw new BookingError(BookingErrorCode.RefundInProgress, 'A refund of this booking is being made; try again once it is done', { status: payment.status });
      const left = refundableOf(payment);
      const refundable = left.cardMinor + left.creditMinor;
      if (refundable === 0) throw new BookingError(BookingErrorCode.NotRefundable, `The payment is ${payment.status.toLowerCase().replace('_', ' ')}: there is nothing charged to refund`, { status: payment.status });
      const amount = input.amountMinor ?? refundable;
      if (!Number.isInteger(amount) || amount < 1 || amount > refundable) {
        throw new BookingError(BookingErrorCode.InvalidRefundAmount, `amountMinor must be a whole number from 1 to ${refundable}`, { amountMinor: amount, refundableMinor: refundable });
      }
      return amount;
    };
    check(await this.repository.findPayment(input.bookingId));
    return this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(input.bookingId);
      const amount = check(current);
      return (await this.startRefund(uow, current!, amount, reason, caller.userId!, now)) ?? current!;
    });
  }

  /** Records a refund PENDING and moves the payment to REFUNDING (its command sent with the transaction). */
  private async startRefund(uow: PaymentUnitOfWork, payment: Payment, amountMinor: number, reason: string, requestedBy: string, now: Date): Promise<Payment | null> {
    const split = refundSplit(payment, amountMinor);
    await uow.insertRefund({ id: randomUUID(), bookingId: payment.bookingId, ...split, currency: payment.currency, reason: reason.slice(0, 500), requestedBy });
    return this.change(uow, payment, { status: 'REFUNDING', nextAttemptAt: this.lease(now) }, now);
  }

  /**
   * `payment.refund-due`: makes the pending refund at Stripe (the card's part, with the instructor's
   * transfer reversed and the fee refunded in proportion; the platform's own transfer reversed for
   * the credits' part), each call under its idempotency key, then settles it in one transaction:
   * the credits' part granted back as a lot, the payment PARTIALLY_REFUNDED or REFUNDED and
   * `payment.refunded`. Refused by Stripe: the refund FAILED, the payment back where it was.
   */
  async refundDue(bookingId: string): Promise<void> {
    const payment = await this.repository.findPayment(bookingId);
    if (!payment || payment.status !== 'REFUNDING') return;
    const refund = await this.repository.pendingRefund(bookingId);
    let refused: { code: string; message: string } | null = null;
    let stripeRefundId: string | null = null;
    let reversalId: string | null = null;
    if (refund && refund.cardMinor > 0 && payment.paymentIntentId) {
      const outcome = await this.provider.refund({ paymentIntentId: payment.paymentIntentId, amountMinor: refund.cardMinor, bookingId, refundId: refund.id, idempotencyKey: refundKey(bookingId, refund.id) });
      if (outcome.kind === 'DONE') stripeRefundId = outcome.id;
      else refused = outcome;
    }
    if (refund && !refused && refund.transferReversalMinor > 0 && payment.platformTransferId) {
      const outcome = await this.provider.reverseTransfer({ transferId: payment.platformTransferId, amountMinor: refund.transferReversalMinor, bookingId, idempotencyKey: transferReversalKey(bookingId, refund.id) });
      if (outcome.kind === 'DONE') reversalId = outcome.id;
      else refused = outcome;
    }
    await this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(bookingId);
      if (!current || current.status !== 'REFUNDING') return;
      const pending = await uow.lockPendingRefund(bookingId);
      if (!pending) {
        await this.change(uow, current, { status: refundedStatus(current), nextAttemptAt: null }, now);
        return;
      }
      if (refused) {
        this.logger.error({ bookingId, refundId: pending.id, code: refused.code }, 'Stripe refused a refund');
        const failed = await uow.settleRefund(pending.id, { status: 'FAILED', stripeRefundId, stripeTransferReversalId: reversalId, creditLotId: null, failure: refused, settledAt: now });
        const back = await this.change(uow, current, { status: refundedStatus(current), nextAttemptAt: null }, now);
        if (back) await uow.publish(refundFact('payment.refund-failed', back, failed, now));
        return;
      }
      let creditLotId: string | null = null;
      if (pending.creditMinor > 0) {
        creditLotId = pending.id;
        await uow.grantCredit(
          bookingCredit(
            { id: pending.id, studentId: current.studentId, bookingId, currency: current.currency, source: 'REFUND', amountMinor: pending.creditMinor, reason: `Refund: ${pending.reason}`.slice(0, 500), grantedBy: pending.requestedBy },
            now,
          ),
        );
      }
      const settled = await uow.settleRefund(pending.id, { status: 'SUCCEEDED', stripeRefundId, stripeTransferReversalId: reversalId, creditLotId, failure: null, settledAt: now });
      const totals = {
        refundedMinor: current.refundedMinor + pending.cardMinor,
        refundedCreditMinor: current.refundedCreditMinor + pending.creditMinor,
        platformTransferReversedMinor: current.platformTransferReversedMinor + pending.transferReversalMinor,
      };
      const done = await this.change(uow, current, { ...totals, status: refundedStatus({ ...current, ...totals }), nextAttemptAt: null }, now);
      if (done) {
        await uow.publish(refundFact('payment.refunded', done, settled, now));
        await this.followers.lessonRefunded(uow, done, now);
      }
    });
  }

  private async grantGoodwill(uow: PaymentUnitOfWork, booking: Booking, amountMinor: number, now: Date): Promise<void> {
    await uow.grantCredit(
      bookingCredit({ id: randomUUID(), studentId: booking.studentId, bookingId: booking.id, currency: booking.price.currency, source: 'GOODWILL', amountMinor, reason: 'Your instructor cancelled the lesson', grantedBy: null }, now),
    );
  }

  /**
   * The scheduler's pass: authorisations that became due, commands whose lease ran out (or whose
   * retry is due), and payments still unresolved at their deadline (the booking is cancelled by the
   * system and the slot released). Returns how many payments it moved.
   */
  async sendDue(batchSize = 100): Promise<number> {
    const now = this.clock();
    let moved = 0;
    moved += await this.repository.transaction(async (uow) => {
      let n = 0;
      for (const payment of await uow.lockDue('AUTHORIZE', now, batchSize)) {
        if (await this.change(uow, payment, { status: 'AUTHORIZING', attempt: payment.attempt + 1, nextAttemptAt: this.lease(now) }, now)) n += 1;
      }
      for (const payment of await uow.lockDue('COMMAND', now, batchSize)) {
        const changed = await uow.updatePayment(payment, { nextAttemptAt: this.lease(now) });
        const command = changed && paymentCommand(changed, now);
        if (command) await uow.publish(command);
        if (changed) n += 1;
      }
      return n;
    });
    moved += await this.repository.transaction(async (uow) => {
      let n = 0;
      for (const payment of await uow.lockDue('DEADLINE', now, batchSize)) {
        if (await this.cancelForNonPayment(uow, payment, now)) n += 1;
      }
      return n;
    });
    return moved;
  }

  private async cancelForNonPayment(uow: PaymentUnitOfWork, payment: Payment, now: Date): Promise<boolean> {
    const booking = await uow.findBooking(payment.bookingId);
    if (booking?.status === 'CONFIRMED') {
      const cancelled = await uow.transitionBooking(booking.id, { from: 'CONFIRMED', to: 'CANCELLED', at: now, cancelledBy: 'SYSTEM', reason: 'The payment was not authorised in time' });
      if (cancelled) await uow.publish(bookingEventFor(cancelled)!);
    } else if (booking?.status === 'REQUESTED') {
      await this.cancelRequested(uow, booking.id, now);
    }
    const failure = { code: NOT_AUTHORIZED_IN_TIME.code, message: payment.failure?.message ?? NOT_AUTHORIZED_IN_TIME.message };
    // An authorisation in flight, or an intent the student may still authenticate, may yet succeed: VOIDING cancels whatever there is.
    if (payment.status === 'AUTHORIZING' || payment.paymentIntentId) {
      return (await this.change(uow, payment, { status: 'VOIDING', failure, action: null, nextAttemptAt: this.lease(now) }, now)) !== null;
    }
    return (await this.change(uow, payment, { status: 'FAILED', failure, action: null, nextAttemptAt: null }, now, 'payment.failed')) !== null;
  }

  /** A booking whose slot was held while its card was authorised, cancelled by the system: the window closed first. */
  private async cancelRequested(uow: PaymentUnitOfWork, bookingId: string, now: Date): Promise<void> {
    const cancelled = await uow.transitionBooking(bookingId, {
      from: 'REQUESTED',
      to: 'CANCELLED',
      at: now,
      cancelledBy: 'SYSTEM',
      reason: 'The payment was not completed while the slot was held',
    });
    if (cancelled) await uow.publish(bookingEventFor(cancelled)!);
  }

  /**
   * A lesson sooner than the lead time, authorised while the student books (the booking was just
   * written REQUESTED with its payment AUTHORIZING, attempt 1): AUTHORIZED confirms the booking;
   * the bank asking for authentication leaves it REQUESTED with the client secret until the window
   * closes; a decline answers DECLINED with nothing changed, for the caller to discard the booking.
   * A Stripe that cannot be reached throws, leaving the payment AUTHORIZING: at the window's end it
   * is voided (whatever Stripe made is cancelled) and the booking cancelled.
   */
  async authorizeOnSession(booking: Booking): Promise<OnSessionOutcome> {
    const payment = await this.repository.findPayment(booking.id);
    if (!payment || payment.status !== 'AUTHORIZING') throw new Error(`booking ${booking.id} has no authorisation to make`);
    const outcome = await this.provider.authorize(
      authorizationOf(payment, { onSession: true, existingIntentId: null, idempotencyKey: onSessionAuthorizationKey(booking.id, new Date(booking.createdAt)) }),
    );
    return this.repository.transaction(async (uow): Promise<OnSessionOutcome> => {
      const now = this.clock();
      const current = await uow.lockPayment(booking.id);
      if (!current) return { kind: 'MOVED' };
      if (outcome.kind === 'AUTHORIZED') {
        await this.authorized(uow, current, outcome.intent, current.attempt, now);
        return { kind: 'MOVED' };
      }
      if (current.status !== 'AUTHORIZING' || current.attempt !== payment.attempt) return { kind: 'MOVED' };
      const failure = { code: outcome.declineCode ?? outcome.code, message: outcome.message };
      if (declineKind(outcome.code, outcome.declineCode) === 'AUTHENTICATION' && outcome.clientSecret) {
        const action = { type: 'AUTHENTICATE' as const, clientSecret: outcome.clientSecret };
        await this.change(uow, current, { paymentIntentId: outcome.intentId, status: 'ACTION_REQUIRED', action, failure, nextAttemptAt: null }, now, 'payment.action-required');
        return { kind: 'MOVED' };
      }
      return { kind: 'DECLINED', intentId: outcome.intentId, code: outcome.code, declineCode: outcome.declineCode, message: outcome.message };
    });
  }

  /** Cancels a declined intent of a booking that was not made (best effort: a declined intent holds no money). */
  async cancelDeclined(bookingId: string, intentId: string): Promise<void> {
    await this.provider.cancel(intentId, voidKey(bookingId, intentId)).catch((error: unknown) => {
      this.logger.warn({ err: error, bookingId, paymentIntentId: intentId }, 'could not cancel a declined PaymentIntent');
    });
  }

  /** `payment.authorization-due`: one authorisation attempt (skipped when the payment moved on). */
  async authorize(bookingId: string, attempt: number): Promise<void> {
    const payment = await this.repository.findPayment(bookingId);
    if (!payment || payment.status !== 'AUTHORIZING' || payment.attempt !== attempt) return;
    const outcome = await this.provider.authorize(
      authorizationOf(payment, { onSession: false, existingIntentId: payment.paymentIntentId, idempotencyKey: authorizationKey(bookingId, attempt) }),
    );
    await this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(bookingId);
      if (!current) return;
      if (outcome.kind === 'AUTHORIZED') return this.authorized(uow, current, outcome.intent, attempt, now);
      if (current.status !== 'AUTHORIZING' || current.attempt !== attempt) {
        if (outcome.intentId && !current.paymentIntentId) await uow.updatePayment(current, { paymentIntentId: outcome.intentId });
        return;
      }
      const failure = { code: outcome.declineCode ?? outcome.code, message: outcome.message };
      const kind = declineKind(outcome.code, outcome.declineCode);
      const intent = { paymentIntentId: outcome.intentId ?? current.paymentIntentId };
      if (kind === 'SOFT') {
        const retryAt = nextRetryAt(attempt, now, current.actionDeadline, this.terms);
        if (retryAt) {
          await uow.updatePayment(current, { ...intent, attempt: attempt + 1, nextAttemptAt: retryAt, failure });
          this.logger.info({ bookingId, attempt, declineCode: outcome.declineCode, retryAt }, 'authorisation soft-declined; retrying later');
          return;
        }
      }
      const action = kind === 'AUTHENTICATION' ? { type: 'AUTHENTICATE' as const, clientSecret: outcome.clientSecret } : { type: 'NEW_PAYMENT_METHOD' as const, clientSecret: null };
      await this.change(uow, current, { ...intent, status: 'ACTION_REQUIRED', action, failure, nextAttemptAt: null }, now, 'payment.action-required');
    });
  }

  /** An intent found authorised: recorded, captured at once if the lesson is already over, voided if no longer wanted. */
  private async authorized(uow: PaymentUnitOfWork, current: Payment, intent: IntentState, attempt: number | null, now: Date): Promise<void> {
    const expected = current.status === 'AUTHORIZING' && (attempt === null || current.attempt === attempt);
    if (expected || current.status === 'ACTION_REQUIRED') {
      const booking = await uow.findBooking(current.bookingId);
      const over = booking?.status === 'COMPLETED' || booking?.status === 'NO_SHOW';
      const recorded = {
        paymentIntentId: intent.id,
        authorizedAmountMinor: intent.amountCapturable,
        captureBefore: intent.captureBefore,
        authorizedAt: now,
        action: null,
        failure: null,
      };
      if (booking?.status === 'REQUESTED' && now >= current.actionDeadline) {
        // Authorised after the booking's window closed: its slot is no longer kept, so the authorisation goes.
        await this.cancelRequested(uow, booking.id, now);
        await this.change(uow, current, { paymentIntentId: intent.id, status: 'VOIDING', action: null, failure: NOT_AUTHORIZED_IN_TIME, nextAttemptAt: this.lease(now) }, now);
        return;
      }
      const done = await this.change(uow, current, { ...recorded, status: 'AUTHORIZED', nextAttemptAt: null }, now, 'payment.authorized');
      if (done && booking?.status === 'REQUESTED') {
        const confirmed = await uow.transitionBooking(booking.id, { from: 'REQUESTED', to: 'CONFIRMED', at: now });
        if (confirmed) await uow.publish(bookingEventFor(confirmed)!);
      }
      if (done && over) await this.change(uow, done, { status: 'CAPTURING', nextAttemptAt: this.lease(now) }, now);
      return;
    }
    if (current.status === 'AUTHORIZED' || current.status === 'CAPTURING' || current.status === 'CAPTURED') return;
    // Cancelled meanwhile (VOIDING, VOIDED, FAILED): the authorisation just made must not stay.
    if (current.paymentIntentId === intent.id && current.status === 'VOIDING') return;
    await this.change(uow, current, { paymentIntentId: intent.id, status: 'VOIDING', nextAttemptAt: this.lease(now) }, now);
  }

  /**
   * `payment.capture-due`: charges the booking (see settlementOf): the card's authorisation captured
   * for its part (cancelled when the credits pay the whole charge), the platform's transfer to the
   * instructor of what the credits paid beyond the fee, then CAPTURED with the credits spent, in one
   * transaction. Each call carries its idempotency key, so a command sent again repeats nothing. An
   * expired or cancelled authorisation is never captured (FAILED); a transfer Stripe refuses (the
   * platform's balance short) leaves the payment CAPTURING, tried again when its lease runs out.
   */
  async capture(bookingId: string): Promise<void> {
    const payment = await this.repository.findPayment(bookingId);
    if (!payment || payment.status !== 'CAPTURING') return;
    const settlement = settlementOf(payment);
    let capturedMinor = 0;
    let outcome: CaptureOutcome | null = null;
    let intentStatus: IntentState['status'] | null = null;
    if (settlement.cardCaptureMinor > 0) {
      if (!payment.paymentIntentId) return;
      outcome = await this.provider.capture({
        paymentIntentId: payment.paymentIntentId,
        amountMinor: settlement.cardCaptureMinor,
        applicationFeeMinor: settlement.applicationFeeMinor,
        idempotencyKey: captureKey(bookingId),
      });
      if (outcome.kind === 'CAPTURED') capturedMinor = outcome.amountMinor;
      else {
        intentStatus = outcome.intent?.status ?? null;
        if (outcome.intent?.status === 'succeeded') capturedMinor = outcome.intent.amountReceived;
      }
    } else if (payment.paymentIntentId) {
      // The credits pay the whole charge: the card's authorisation is released.
      await this.provider.cancel(payment.paymentIntentId, voidKey(bookingId, payment.paymentIntentId));
    }
    const charged = settlement.cardCaptureMinor === 0 || outcome?.kind === 'CAPTURED' || intentStatus === 'succeeded';
    let transferId = payment.platformTransferId;
    if (charged && settlement.platformTransferMinor > 0 && !transferId) {
      const transfer = await this.provider.transfer({
        amountMinor: settlement.platformTransferMinor,
        currency: payment.currency,
        destinationAccount: payment.destinationAccount,
        bookingId,
        idempotencyKey: creditTransferKey(bookingId, payment.creditTransferAttempt),
      });
      if (transfer.kind === 'REFUSED') {
        this.signals.creditTransferRefused();
        this.logger.error({ bookingId, code: transfer.code, amountMinor: settlement.platformTransferMinor }, "the platform's transfer of a booking's credits was refused; tried again when the lease runs out");
        // The next try (when the lease runs out) goes under a fresh key: Stripe answers a key it refused with the same refusal.
        await this.repository.transaction(async (uow) => {
          const current = await uow.lockPayment(bookingId);
          if (current?.status === 'CAPTURING' && current.creditTransferAttempt === payment.creditTransferAttempt && !current.platformTransferId) {
            await uow.updatePayment(current, { creditTransferAttempt: current.creditTransferAttempt + 1 });
          }
        });
        return;
      }
      transferId = transfer.transferId;
    }
    await this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(bookingId);
      if (!current || current.status !== 'CAPTURING') return;
      if (charged) {
        const done = await this.change(uow, current, { status: 'CAPTURED', capturedAmountMinor: capturedMinor, capturedAt: now, platformTransferId: transferId, nextAttemptAt: null }, now, 'payment.captured');
        if (done && done.creditInsteadMinor > 0) await this.grantCreditInstead(uow, done, now);
        if (done) await this.followers.lessonCharged(uow, done, await uow.findBooking(bookingId), now);
        return;
      }
      const code = intentStatus === 'canceled' ? 'authorization_expired' : 'not_capturable';
      this.logger.error({ bookingId, paymentIntentId: current.paymentIntentId, intentStatus: intentStatus ?? 'missing' }, 'authorisation could not be captured');
      await this.change(uow, current, { status: 'FAILED', failure: { code, message: 'The authorisation was no longer capturable' }, nextAttemptAt: null }, now, 'payment.failed');
    });
  }

  /** `payment.void-due`: cancels every live intent of the booking, then records VOIDED. */
  async void(bookingId: string): Promise<void> {
    const payment = await this.repository.findPayment(bookingId);
    if (!payment || payment.status !== 'VOIDING') return;
    const intents = payment.paymentIntentId
      ? [await this.provider.intent(payment.paymentIntentId)].filter((i): i is IntentState => i !== null)
      : payment.customerId
        ? await this.provider.intentsOfBooking(payment.customerId, bookingId)
        : [];
    let captured = false;
    for (const intent of intents) {
      if (intent.status === 'succeeded') captured = true;
      else if (LIVE_INTENT.has(intent.status)) await this.provider.cancel(intent.id, voidKey(bookingId, intent.id));
    }
    await this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(bookingId);
      if (!current || current.status !== 'VOIDING') return;
      if (captured) {
        // Captured before the cancellation reached Stripe: refunds follow the cancellation policy.
        this.logger.error({ bookingId }, 'a cancelled booking was already captured; left for a refund');
        await this.change(uow, current, { status: 'CAPTURED', capturedAt: now, nextAttemptAt: null }, now, 'payment.captured');
        return;
      }
      const failed = current.failure?.code === 'payment_not_authorized';
      await this.change(uow, current, { status: failed ? 'FAILED' : 'VOIDED', voidedAt: now, nextAttemptAt: null }, now, failed ? 'payment.failed' : 'payment.voided');
    });
  }

  /**
   * What Stripe says about an intent now (a webhook, or reconciliation), applied to the payment
   * whatever order the news came in: authorised after the student authenticated, or no longer
   * capturable (expired): re-authorised while the lesson is ahead, FAILED once it is over.
   */
  async applyIntent(intentId: string): Promise<'applied' | 'unchanged' | 'unknown'> {
    const payment = await this.repository.paymentByIntent(intentId);
    if (!payment) return 'unknown';
    const intent = await this.provider.intent(intentId);
    if (!intent) return 'unknown';
    return this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(payment.bookingId);
      if (!current || current.paymentIntentId !== intentId) return 'unchanged';
      if (intent.status === 'requires_capture' && (current.status === 'ACTION_REQUIRED' || current.status === 'AUTHORIZING')) {
        await this.authorized(uow, current, intent, null, now);
        return 'applied';
      }
      if (intent.status === 'canceled' && current.status === 'AUTHORIZED') {
        const booking = await uow.findBooking(current.bookingId);
        if (booking?.status === 'CONFIRMED' && now < current.actionDeadline) {
          // The hold lapsed before the lesson: authorise again with a new PaymentIntent.
          await this.change(uow, current, { status: 'AUTHORIZING', paymentIntentId: null, attempt: current.attempt + 1, nextAttemptAt: this.lease(now), authorizedAmountMinor: null, captureBefore: null }, now);
        } else {
          await this.change(uow, current, { status: 'FAILED', failure: { code: 'authorization_expired', message: 'The authorisation expired before it was captured' }, nextAttemptAt: null }, now, 'payment.failed');
        }
        return 'applied';
      }
      return 'unchanged';
    });
  }

  /**
   * The student resolves a payment that needs them: with another saved card (authorised again at
   * once), or, without one, after completing authentication (the intent is read back from Stripe).
   */
  async retryPayment(caller: Caller, bookingId: string, paymentMethodId: string | null | undefined): Promise<Payment> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to pay for your booking');
    const notFound = bookingNotFound(bookingId);
    if (!isUuid(bookingId)) throw notFound;
    const payment = await this.repository.findPayment(bookingId);
    if (!payment || (payment.studentId !== caller.userId && !hasRole(caller, 'admin'))) throw notFound;
    if (payment.status !== 'ACTION_REQUIRED') {
      throw new BookingError(BookingErrorCode.PaymentNotActionable, `The payment is ${payment.status.toLowerCase().replace('_', ' ')}; there is nothing to retry`, { status: payment.status });
    }
    if (!paymentMethodId) {
      if (payment.paymentIntentId) await this.applyIntent(payment.paymentIntentId);
      return (await this.repository.findPayment(bookingId))!;
    }
    const method = await this.methods.requireUsable(payment.studentId, paymentMethodId);
    return this.repository.transaction(async (uow) => {
      const now = this.clock();
      const current = await uow.lockPayment(bookingId);
      if (!current || current.status !== 'ACTION_REQUIRED') throw new BookingError(BookingErrorCode.PaymentNotActionable, 'The payment changed meanwhile; read it again', { status: current?.status ?? 'NONE' });
      const changed = await this.change(uow, current, { status: 'AUTHORIZING', paymentMethodId: method.id, attempt: current.attempt + 1, nextAttemptAt: this.lease(now), action: null }, now);
      return changed ?? current;
    });
  }

  /**
   * Reconciliation: payments in progress or authorised, untouched for a while, compared with Stripe
   * and repaired (a lost webhook cannot leave a booking stuck). Returns how many drifted.
   */
  async reconcile(olderThanMs: number, batchSize = 100): Promise<number> {
    const before = new Date(this.clock().getTime() - olderThanMs);
    let drifted = 0;
    for (const payment of await this.repository.unsettled(before, batchSize)) {
      const outcome = await this.applyIntent(payment.paymentIntentId!);
      if (outcome === 'applied') {
        drifted += 1;
        this.signals.drift('payment');
        this.logger.warn({ bookingId: payment.bookingId, paymentIntentId: payment.paymentIntentId, status: payment.status }, 'payment drifted from Stripe; repaired');
      }
    }
    return drifted;
  }

  /**
   * What cancelling the booking now would charge, release and pay whom, for the caller as the
   * cancelling party: the very computation followBooking applies on cancellation. Nothing is written.
   */
  async quoteCancellation(caller: Caller, bookingId: string, findBooking: (id: string) => Promise<Booking | null>): Promise<CancellationTerms & { bookingId: string }> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to see what cancelling costs');
    const booking = isUuid(bookingId) ? await findBooking(bookingId) : null;
    if (!booking) throw bookingNotFound(bookingId);
    const now = this.clock();
    const cancelledBy = cancellerOf(caller, booking, now);
    const [payment, policy] = await Promise.all([this.repository.findPayment(booking.id), this.repository.cancellationPolicyOf(booking.id)]);
    return { bookingId: booking.id, ...cancellationTerms(policy, cancelledBy, new Date(booking.startsAt), now, payment, booking.price) };
  }

  /** A booking's payment as its student, its instructor or an admin may see it. */
  paymentOf(bookingId: string): Promise<Payment | null> {
    return this.repository.findPayment(bookingId);
  }
}
