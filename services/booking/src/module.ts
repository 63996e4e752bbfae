import { join } from 'node:path';
import DataLoader from 'dataloader';
import { buildSubgraph, createStripeClient, InternalClient, loadTypeDefs, periodicJob, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import { loadBookingConfig, type BookingConfig } from './booking.config';
import type { BookingContext } from './context';
import { BookingCreation } from './domain/booking-creation.service';
import { BookingLifecycle } from './domain/booking-lifecycle.service';
import type { Clock } from './domain/booking.ports';
import type { Booking } from './domain/booking.types';
import { Bookings } from './domain/bookings.service';
import { applyInstructorState, type OfferingState } from './domain/instructor-offerings.service';
import type { SlotHolds } from './domain/slot-holds.ports';
import { AvailabilitySlotHolds } from './infra/availability.client';
import { insertConfirmedAtRevisionSql, PostgresBookingRepository, type InsertAtRevisionExpressions } from './infra/booking.repository';
import { PostgresInstructorOfferingsUnitOfWork } from './infra/instructor-offerings.repository';
import { autoCompleteBookingsJob } from './jobs/auto-complete-bookings.job';
import { instructorOfferingsWorker } from './jobs/instructor-offerings.consumer';
import { resolvers } from './resolvers';
import type { PayoutAccountDirectory, PayoutAccountState } from './domain/payout-accounts.ports';
import { PostgresPayoutAccountDirectory, PostgresPayoutAccountsUnitOfWork } from './infra/payout-accounts.repository';
import { payoutAccountsWorker } from './jobs/payout-accounts.consumer';
import { PaymentMethods } from './domain/payment-methods.service';
import { Payments } from './domain/payments.service';
import { Credits, DEFAULT_CREDIT_TERMS } from './domain/credits.service';
import { PostgresCreditLedger } from './infra/credit.repository';
import { PostgresReferralRepository } from './infra/referral.repository';
import { Referrals } from './domain/referrals.service';
import type { PaymentProvider } from './domain/payment.ports';
import type { Payment, Refund } from './domain/payment.types';
import { PostgresPaymentRepository } from './infra/payment.repository';
import { RequestGate } from './infra/stripe/request-gate';
import { StripePaymentProvider } from './infra/stripe/stripe-payments.provider';
import { STRIPE_WEBHOOK_PATH, stripeWebhookRoute } from './http/stripe-webhook.route';
import { paymentCommandsWorker, paymentReconciliationJob, paymentSchedulerJob } from './jobs/payments.jobs';
import { InstructorPayouts } from './domain/payouts.service';
import type { PayoutProvider } from './domain/payout.ports';
import { PostgresPayoutRepository } from './infra/payout.repository';

export { loadBookingConfig, type BookingConfig } from './booking.config';
export type { Clock } from './domain/booking.ports';
export type { Booking, NewBooking } from './domain/booking.types';
export type { CreateBookingInput } from './domain/booking-creation.service';
export type { OfferingState } from './domain/instructor-offerings.service';
export type { SlotHold, SlotHoldRequest, SlotHolds } from './domain/slot-holds.ports';
export type { InsertAtRevisionExpressions } from './infra/booking.repository';
export type { InstructorPayoutAccount, PayoutAccountDirectory, PayoutAccountState } from './domain/payout-accounts.ports';
export type { Payment, PaymentStatus } from './domain/payment.types';
export type { PaymentProvider } from './domain/payment.ports';
export type { PayoutProvider } from './domain/payout.ports';
export type { Payout, PayoutStatus } from './domain/payout.types';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface BookingModuleOptions {
  config?: BookingConfig;
  /** The current time (tests move it forward to complete lessons that have not happened yet). */
  clock?: Clock;
  /** Where slots are held; availability's internal routes unless given. */
  holds?: SlotHolds;
  /** The payment provider (payments and instructors' payouts); Stripe (STRIPE_API_BASE) unless given. */
  provider?: PaymentProvider & PayoutProvider;
}

/** The booking service, built once per process and shared by its API and its workers. */
export interface BookingModule extends ServiceModule {
  /** Creating bookings: `createBooking`, and `bookHeldSlot`, its one transaction after the hold. */
  readonly creation: BookingCreation;
  /** Cancelling, completing, marking no-shows, and the auto-complete of ended lessons. */
  readonly lifecycle: BookingLifecycle;
  /** Where this module holds slots (availability's internal routes unless the options gave others). */
  readonly holds: SlotHolds;
  /** The create use case over other slot holds (a test stepping in between the hold and the write; the bench holding in-process). */
  creationWith(holds: SlotHolds): BookingCreation;
  /** A booking as stored, whoever asks (tests compare an answer with what reads back). */
  findBooking(id: string): Promise<Booking | null>;
  /** Applies an instructor's state to booking's read model, as the instructor events do (seeds and benches). */
  applyInstructorState(state: OfferingState): Promise<boolean>;
  /** The consumer keeping booking's read model of instructors, alone (tests run it without the auto-complete scheduler). */
  instructorOfferingsWorker(): Worker;
  /** The create's single database statement as SQL text over named value expressions (the bench drives it from pgbench). */
  coreStatementSql(values: InsertAtRevisionExpressions): string;
  /** Instructors' Stripe Connect accounts as booking knows them (the destination of charges and payouts). */
  readonly payoutAccounts: PayoutAccountDirectory;
  /** Applies an instructor's Connect state to booking's read model, as instructor.payout-account-updated does (tests and seeds); false when a newer revision is held. */
  applyPayoutAccount(state: PayoutAccountState): Promise<boolean>;
  /** The consumer of the instructor's private payout-account channel, alone (tests run it without the other jobs). */
  payoutAccountsWorker(): Worker;
  /** A booking's payment as stored. */
  findPayment(bookingId: string): Promise<Payment | null>;
  /** The payments flow (tests and benches drive its steps: the scheduler's pass, reconciliation). */
  readonly payments: Payments;
  /** The payments worker alone: the consumer of payment commands (the bench and kill tests run it without the scheduler). */
  paymentCommandsWorker(): Worker;
  /** Instructors' earnings and payouts (tests drive reconciliation). */
  readonly payouts: InstructorPayouts;
  /** The credits ledger (tests drive reservations and expiry). */
  readonly credits: Credits;
  readonly referrals: Referrals;
}

export function createBookingModule(deps: ServiceDeps, options: BookingModuleOptions = {}): BookingModule {
  const config = options.config ?? loadBookingConfig();
  const clock = options.clock ?? (() => new Date());
  const repository = new PostgresBookingRepository(deps.db, deps.outbox);
  const holds = options.holds ?? availabilityHolds(deps, config);
  const logger = deps.logger.child({ component: 'payments' });
  const provider = options.provider ?? stripeProvider(config);
  const paymentRepository = new PostgresPaymentRepository(deps.db, repository);
  const paymentMethods = new PaymentMethods(paymentRepository, provider);
  const drift = deps.metrics.counter('stripe_reconciliation_drift_total', 'Payments and payouts found out of step with Stripe and repaired by reconciliation', ['kind']);
  const referrals = new Referrals(new PostgresReferralRepository(deps.db, deps.outbox), paymentRepository, provider, config.referrals, clock, deps.logger.child({ component: 'referrals' }));
  const transfersRefused = deps.metrics.counter(
    'stripe_credit_transfers_refused_total',
    "Transfers to instructors of what credits paid beyond the platform fee that Stripe refused (the platform's balance short); each is tried again",
  );
  const signals = { drift: (kind: 'payment') => drift.inc({ kind }), creditTransferRefused: () => transfersRefused.inc() };
  const payments = new Payments(paymentRepository, provider, paymentMethods, config.payments, clock, logger, signals, referrals);
  const payoutAccounts = new PostgresPayoutAccountDirectory(deps.db);
  const payouts = new InstructorPayouts(new PostgresPayoutRepository(deps.db, deps.outbox), provider, payoutAccounts, config.payouts, clock, logger.child({ component: 'payouts' }), (kind) =>
    drift.inc({ kind }),
  );
  const credits = new Credits(new PostgresCreditLedger(deps.db, deps.outbox, config.payouts.currency), { ...DEFAULT_CREDIT_TERMS, currency: config.payouts.currency }, clock, deps.logger.child({ component: 'credits' }));
  const paymentDeps = { methods: paymentMethods, payoutAccounts, terms: config.payments, flow: payments, creditBalance: (studentId: string) => credits.available(studentId) };
  const creationWith = (slotHolds: SlotHolds) =>
    new BookingCreation(repository, slotHolds, clock, deps.logger.child({ component: 'booking-creation' }), paymentDeps, config.maxUpcomingPerStudent);
  const creation = creationWith(holds);
  const lifecycle = new BookingLifecycle(repository, clock, (unitOfWork, booking, now, choice) => payments.followBooking(unitOfWork.payments, booking, now, choice));
  return {
    creation,
    lifecycle,
    holds,
    creationWith,
    findBooking: (id) => repository.findById(id),
    applyInstructorState: (state) => deps.db.transaction((tx) => applyInstructorState(new PostgresInstructorOfferingsUnitOfWork(tx), state)),
    instructorOfferingsWorker: () => instructorOfferingsWorker(deps),
    coreStatementSql: insertConfirmedAtRevisionSql,
    payoutAccounts,
    applyPayoutAccount: (state) => deps.db.transaction((tx) => new PostgresPayoutAccountsUnitOfWork(tx).applyIfNewer(state)),
    payoutAccountsWorker: () => payoutAccountsWorker(deps),
    findPayment: (bookingId) => paymentRepository.findPayment(bookingId),
    payments,
    paymentCommandsWorker: () => paymentCommandsWorker(deps, payments, config.payments.workerConcurrency),
    payouts,
    credits,
    referrals,

    /** Builds the booking subgraph; it does not listen. */
    subgraph(): Promise<SubgraphServer> {
      return buildSubgraph<BookingContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({
          caller,
          bookings: new Bookings(repository, caller, clock),
          creation,
          lifecycle,
          payments,
          paymentMethods,
          payouts,
          credits,
          referrals,
          paymentLoader: new DataLoader<string, Payment | null>(async (ids) => {
            const found = new Map((await paymentRepository.paymentsOf(ids)).map((p) => [p.bookingId, p]));
            return ids.map((id) => found.get(id) ?? null);
          }),
          refundLoader: new DataLoader<string, Refund[]>(async (ids) => {
            const refunds = await paymentRepository.refundsOf(ids);
            return ids.map((id) => refunds.filter((r) => r.bookingId === id));
          }),
        }),
        routes: {
          [STRIPE_WEBHOOK_PATH]: stripeWebhookRoute({
            secrets: [config.stripe.webhookSecret, config.stripe.connectWebhookSecret],
            toleranceSeconds: config.stripe.webhookToleranceSeconds,
            payments,
            payouts,
            repository: paymentRepository,
            logger: deps.logger.child({ component: 'stripe-webhook' }),
          }),
        },
      });
    },

    /**
     * The worker role's jobs besides the outbox relay: the instructor read models (offerings, payout
     * accounts), the auto-complete scheduler, and the payments worker, scheduler and reconciliation.
     */
    workers(): Worker[] {
      const jobs = deps.logger.child({ component: 'booking-jobs' });
      return [
        instructorOfferingsWorker(deps),
        payoutAccountsWorker(deps),
        autoCompleteBookingsJob(lifecycle, config.autoCompleteAfterMinutes, config.jobIntervalMs, jobs),
        paymentCommandsWorker(deps, payments, config.payments.workerConcurrency),
        paymentSchedulerJob(payments, config.payments.jobIntervalMs, logger),
        paymentReconciliationJob(payments, payouts, config.payments.reconcileAfterSeconds, logger),
        periodicJob('credit-expiry', 60_000, jobs, () => credits.expireDue()),
        periodicJob('referral-rewards', 60_000, jobs, () => referrals.rewardDue()),
      ];
    },
  };
}

/**
 * Stripe (the emulator locally) as booking's payment provider, spaced to the configured request
 * rate; `onRequest` is told of each call as it leaves (the payments bench counts them).
 */
export function stripeProvider(config: BookingConfig, onRequest?: () => void): PaymentProvider & PayoutProvider {
  const stripe = createStripeClient({ apiBase: config.stripe.apiBase, secretKey: config.stripe.secretKey, appName: 'instainstru-booking' });
  return new StripePaymentProvider(stripe, new RequestGate(config.stripe.maxRequestsPerSecond, () => performance.now(), onRequest));
}

/** Availability's internal hold routes, closed with the process's deps. */
function availabilityHolds(deps: ServiceDeps, config: BookingConfig): SlotHolds {
  const client = new InternalClient({
    from: 'booking',
    to: 'availability',
    baseUrl: config.availability.url,
    signingSecret: deps.config.signingSecret,
    timeoutMs: config.availability.timeoutMs,
  });
  deps.onClose(() => client.close());
  return new AvailabilitySlotHolds(client);
}
