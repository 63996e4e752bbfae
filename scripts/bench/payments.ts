/**
 * Authorisations per second of the due-authorisation pipeline, as a ratio against a bare loop
 * making the same Stripe SDK calls to the emulator at the same concurrency, in one run:
 *
 *   bare       N × paymentIntents.create (manual capture, off-session, destination charge, fee),
 *              C at a time, through the same request gate (STRIPE_MAX_REQUESTS_PER_SECOND)
 *   pipeline   N bookings' payments due at once: the scheduler's pass appends
 *              `payment.authorization-due` to the outbox → relay → Kafka → the payments worker
 *              (C partitions at once) → the Stripe call → the commit; timed until all AUTHORIZED
 *
 * Goal: pipeline/bare ≥ 0.8, and no second in which more Stripe calls were made than the
 * configured rate (counted from the calls' own timestamps).
 *
 *   npm run bench:payments                     (BENCH_PAYMENTS=200, BENCH_CONCURRENCY=6, BENCH_STRIPE_RATE=100)
 *
 * Needs the infrastructure (npm run infra:up): Postgres, Kafka and the Stripe emulator.
 */
import { randomUUID } from 'node:crypto';
import { closeServiceDeps, createServiceDeps, createStripeClient, loadServiceConfig, outboxRelayWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import { createBookingModule, loadBookingConfig, stripeProvider } from '../../services/booking/src/module';
import { serviceMigrations } from '../services';
import { createBenchDatabase } from './lib/bench-database';
import { onCleanup, runBench } from './lib/cleanup';
import { envInt } from './lib/env';

const N = envInt('BENCH_PAYMENTS', 200);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 6);
const RATE = envInt('BENCH_STRIPE_RATE', 100);
const EMULATOR = process.env.STRIPE_EMULATOR_URL ?? 'http://127.0.0.1:12120';
const AMOUNT = 6500;
const FEE = 975;

/** The most calls that started within any one second. */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while (sorted[i]! - sorted[j]! >= 1000) j += 1;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function worldWithCustomers(count: number) {
  const key = `sk_test_bench_${randomUUID().replace(/-/g, '')}`;
  const stripe = createStripeClient({ apiBase: new URL(EMULATOR), secretKey: key, appName: 'bench-payments' });
  const account = await stripe.accounts.create({ type: 'express', country: 'US', capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
  await fetch(`${EMULATOR}/_emulator/accounts/${account.id}/onboard`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  const customers: { customer: string; card: string }[] = [];
  for (let i = 0; i < count; i += 1) {
    const customer = await stripe.customers.create({});
    const card = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    customers.push({ customer: customer.id, card: card.id });
  }
  return { key, stripe, account: account.id, customers };
}

runBench('payments: due authorisations per second, pipeline vs bare SDK loop', async () => {
  const settings = (key: string) =>
    loadBookingConfig({ ...process.env, STRIPE_API_BASE: EMULATOR, STRIPE_SECRET_KEY: key, STRIPE_MAX_REQUESTS_PER_SECOND: String(RATE), PAYMENT_WORKER_CONCURRENCY: String(CONCURRENCY) });

  // --- bare loop: the service's own Stripe provider (same SDK call, same request gate), C at a time
  const bareWorld = await worldWithCustomers(N);
  const bareCalls: number[] = [];
  const bare = stripeProvider(settings(bareWorld.key), () => bareCalls.push(performance.now()));
  let next = 0;
  const bareStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < N; i = next++) {
        const { customer, card } = bareWorld.customers[i]!;
        const bookingId = randomUUID();
        const outcome = await bare.authorize({
          bookingId, attempt: 1, customerId: customer, paymentMethodId: card, amountMinor: AMOUNT, currency: 'USD', applicationFeeMinor: FEE,
          destinationAccount: bareWorld.account, onSession: false, existingIntentId: null, idempotencyKey: `bench-${bookingId}`,
        });
        if (outcome.kind !== 'AUTHORIZED') throw new Error(`bare authorisation ${outcome.kind}`);
      }
    }),
  );
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  // --- pipeline: N payments due at once in a private booking database -------------------------
  const world = await worldWithCustomers(N);
  const database = await createBenchDatabase('booking', serviceMigrations.booking);
  const prefix = `bench-payments-${Date.now()}.`;
  const deps: ServiceDeps = await createServiceDeps(
    loadServiceConfig('booking', { ...process.env, DATABASE_URL: database.url, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DB_POOL_MAX: '20' }),
    [],
  );
  onCleanup('close booking deps', () => closeServiceDeps(deps));
  const pipelineCalls: number[] = [];
  const config = settings(world.key);
  const booking = createBookingModule(deps, { config, provider: stripeProvider(config, () => pipelineCalls.push(performance.now())) });
  const now = new Date();
  for (let i = 0; i < N; i += 1) {
    const id = randomUUID();
    const startsAt = new Date(now.getTime() + 3 * 86_400_000 + i * 7_200_000);
    await deps.db.execute(
      `insert into booking (id, status, instructor_id, instructor_user_id, student_user_id, service_id, starts_at, ends_at, duration_minutes, lesson_mode, price_minor, currency, confirmed_at, payment_status)
       values ($1, 'CONFIRMED', $2, 'bench-teacher', $3, $4, $5, $6, 60, 'online', $7, 'USD', now(), 'SCHEDULED')`,
      [id, randomUUID(), `bench-student-${i}`, randomUUID(), startsAt, new Date(startsAt.getTime() + 3_600_000), AMOUNT],
    );
    await deps.db.execute(
      `insert into booking_payment (booking_id, status, student_user_id, stripe_customer_id, payment_method_id, amount_minor, currency, application_fee_minor, platform_fee_minor, destination_account, authorize_at, action_deadline)
       values ($1, 'SCHEDULED', $2, $3, $4, $5, 'USD', $6, $6, $7, now(), $8)`,
      [id, `bench-student-${i}`, world.customers[i]!.customer, world.customers[i]!.card, AMOUNT, FEE, world.account, new Date(startsAt.getTime() - 3_600_000)],
    );
  }
  const workers: Worker[] = [outboxRelayWorker(deps), booking.paymentCommandsWorker()];
  for (const w of workers) await w.start();
  onCleanup('stop workers', async () => {
    for (const w of [...workers].reverse()) await w.stop();
  });
  // Let the consumer join its group before the clock starts.
  await new Promise((r) => setTimeout(r, 3000));
  const started = performance.now();
  let authorized = 0;
  while (authorized < N) {
    await booking.payments.sendDue(N);
    const [row] = await deps.db.query<{ n: number }>(`select count(*)::int as n from booking_payment where status = 'AUTHORIZED'`);
    authorized = row!.n;
    if (performance.now() - started > 300_000) throw new Error(`only ${authorized} of ${N} authorised after 5 minutes`);
    if (authorized < N) await new Promise((r) => setTimeout(r, 20));
  }
  const pipelineSeconds = (performance.now() - started) / 1000;
  const [distinct] = await deps.db.query<{ n: number }>(`select count(distinct payment_intent_id)::int as n from booking_payment`);

  const bareRate = N / bareSeconds;
  const pipelineRate = N / pipelineSeconds;
  console.log(`\n${N} authorisations, concurrency ${CONCURRENCY}, Stripe rate ${RATE}/s`);
  console.log(`  bare SDK loop   ${bareRate.toFixed(1)}/s  (${bareSeconds.toFixed(2)} s; busiest second ${busiestSecond(bareCalls)} calls)`);
  console.log(`  pipeline        ${pipelineRate.toFixed(1)}/s  (${pipelineSeconds.toFixed(2)} s; busiest second ${busiestSecond(pipelineCalls)} calls; ${distinct!.n} PaymentIntents for ${N} bookings)`);
  console.log(`  ratio pipeline/bare = ${(pipelineRate / bareRate).toFixed(2)} (goal ≥ 0.8); rate never above ${RATE}/s: ${Math.max(busiestSecond(bareCalls), busiestSecond(pipelineCalls)) <= RATE ? 'yes' : 'NO'}`);
});
