/**
 * Credit-reserving bookings: createBooking with credits vs without, through the gateway, in the
 * same run (the machine is noisy; absolute numbers mean little). Goal: credits / plain ≥ 0.8.
 *
 *   npm run bench:credits            (npx tsx --expose-gc scripts/bench/credits.ts)
 *
 * It starts its own stack in this process, like bench:booking: the availability and booking
 * subgraphs (each on a throwaway database migrated like production, dropped afterwards) and the
 * real gateway over the committed supergraph; booking pays through the project's Stripe emulator,
 * in a world (secret key) of the bench's own. Seeded through the services' own code and API:
 * BENCH_INSTRUCTORS instructors (both read models, ten published weeks, a Connect account
 * onboarded on the emulator), and students who each saved a card through the API
 * (startPaymentMethodSetup, the SetupIntent confirmed as Stripe.js would) and were granted one lot
 * of credits by an admin (grantCredits). Two kinds of createBooking, both sent by students with a
 * JWT through the gateway, each on a free 30-minute slot two weeks or more ahead (so the card's
 * authorisation is scheduled, never made while booking):
 *
 *   plain     paymentMethodId (the student's saved card) only: booking's single-statement insert
 *   credits   the same plus creditsMinor: BENCH_CREDITS_MINOR (less than the price, so the card
 *             pays the rest): the balance read before the hold, then booking's transaction (lock
 *             the instructor's row, insert, per-student advisory lock, the student's lots read,
 *             the reservation's transaction and postings, credit.reserved and booking.confirmed)
 *
 * Both make the same card check at the emulator (paymentMethods.retrieve; the service's Stripe
 * request gate has no limit in the bench, so it never paces it). After a warm-up of
 * each (then ANALYZE, as autovacuum would have done long since), BENCH_ROUNDS rounds of
 * BENCH_BOOKINGS bookings of each kind, from BENCH_CONCURRENCY closed-loop clients, in alternating
 * order (plain first, then credits first, …; the garbage of one phase collected before the next,
 * run with --expose-gc). Students take turns (hundreds of them), so concurrent calls are by
 * different students (none waits on another's ledger lock) and each holds about
 * BENCH_BOOKINGS_PER_STUDENT bookings in all, as a real one would (the per-student count and the
 * ledger reads grow with a student's history). Per round it prints both rates
 * and their ratio; at the end the median ratio with PASS/FAIL (exits 0 either way, like
 * bench:reviews), p50/p99 latency and CPU per booking of this process and of Postgres. Any answer
 * other than CONFIRMED fails the run, as does a ledger or payment row that does not add up.
 *
 * Needs the infrastructure (npm run infra:up): Postgres (superuser access for the throwaway
 * databases, as scripts/db-bootstrap.ts) and the Stripe emulator. Kafka is not used (no relay
 * runs; outbox rows stay unpublished in the throwaway database).
 * Knobs: BENCH_BOOKINGS=400  BENCH_ROUNDS=5  BENCH_WARMUP=100  BENCH_CONCURRENCY=8
 *        BENCH_INSTRUCTORS=8  BENCH_BOOKINGS_PER_STUDENT=10  BENCH_CREDITS_MINOR=1000
 */
import { settle } from './lib/async';
import {
  analyze,
  connectAccount,
  CREATE_BOOKING,
  firstMonday,
  graphql,
  lessonInput,
  PRICE,
  seedInstructors,
  seedStudents,
  SlotPlan,
  startBookingStack,
  WEEKS,
  type BookingStack,
  type Student,
} from './lib/booking-stack';
import { runBench } from './lib/cleanup';
import { envInt } from './lib/env';
import { startCpuPerCall, type CpuPerCall } from './lib/proc-cpu';
import { fmt, fmtInt, median, minMax, percentileSorted, table } from './lib/stats';

const SETTINGS = {
  bookings: envInt('BENCH_BOOKINGS', 400),
  rounds: envInt('BENCH_ROUNDS', 5),
  warmup: envInt('BENCH_WARMUP', 100),
  concurrency: envInt('BENCH_CONCURRENCY', 8),
  instructors: envInt('BENCH_INSTRUCTORS', 8),
  bookingsPerStudent: envInt('BENCH_BOOKINGS_PER_STUDENT', 10),
  creditsMinor: envInt('BENCH_CREDITS_MINOR', 1000),
};
const GOAL = 0.8;
/** The most one grant may give (GrantCreditsInput.amountMinor). */
const MAX_GRANT_MINOR = 100_000;
const log = (line = '') => console.log(line);

const GRANT = 'mutation Grant($input: GrantCreditsInput!) { grantCredits(input: $input) { id remainingMinor } }';

type Variant = 'plain' | 'credits';
const VARIANTS: readonly Variant[] = ['plain', 'credits'];

/** Students who saved a card through the API, each granted `grantMinor` credits by an admin through the gateway. */
async function seedStudentsWithCredits(stack: BookingStack, count: number, grantMinor: number): Promise<Student[]> {
  const admin = await stack.token('bench-credits-admin', ['admin'], 4 * 3600);
  return seedStudents(stack, count, async (student) => {
    await graphql(stack, admin, GRANT, { input: { studentId: student.id, amountMinor: grantMinor, expiresInDays: 365, reason: 'Bench credits' } });
  });
}

interface PhaseResult extends CpuPerCall {
  count: number;
  seconds: number;
  /** Bookings per second. */
  rate: number;
  p50: number;
  p99: number;
}

runBench(`bench: createBooking with credits vs without, through the gateway ${JSON.stringify(SETTINGS)}`, async () => {
  if (SETTINGS.creditsMinor >= PRICE.amountMinor) throw new Error(`BENCH_CREDITS_MINOR must be less than the price (${PRICE.amountMinor}) so the card pays the rest`);
  const perVariant = SETTINGS.warmup + SETTINGS.rounds * SETTINGS.bookings;
  const studentCount = Math.max(SETTINGS.concurrency * 2, Math.ceil((2 * perVariant) / SETTINGS.bookingsPerStudent));
  // Students take turns over both kinds, so each applies credits to about half of their bookings (and a couple more, to be safe).
  const grantMinor = (Math.ceil(perVariant / studentCount) + 2) * SETTINGS.creditsMinor;
  if (grantMinor > MAX_GRANT_MINOR) throw new Error(`each student would need ${grantMinor} credits, more than one grant gives: lower BENCH_BOOKINGS_PER_STUDENT or BENCH_CREDITS_MINOR`);

  log('Preparing: throwaway databases, availability and booking subgraphs and the gateway in this process');
  const t0 = Date.now();
  const stack = await startBookingStack({ name: 'bench-credits', maxUpcomingPerStudent: SETTINGS.bookingsPerStudent * 2 });
  const monday = firstMonday();
  // Instructors in both read models, ten published weeks, and a Connect account onboarded on the emulator.
  const instructorIds = await seedInstructors(stack, SETTINGS.instructors, monday, connectAccount(stack));
  log(`  ${instructorIds.length} instructors, ${WEEKS} published weeks and a Connect account each, in ${fmt((Date.now() - t0) / 1000, 1)} s`);
  const t1 = Date.now();
  const students = await seedStudentsWithCredits(stack, studentCount, grantMinor);
  log(`  ${students.length} students, each with a saved card and ${grantMinor} credits granted by an admin, in ${fmt((Date.now() - t1) / 1000, 1)} s`);

  // Both kinds take free slots from one plan: every call gets a slot of its own.
  const plan = new SlotPlan(instructorIds, monday);
  let turn = 0;
  const body = (variant: Variant, student: Student) => {
    const input = { ...lessonInput(plan.next()), paymentMethodId: student.card };
    return JSON.stringify({ query: CREATE_BOOKING, operationName: 'Book', variables: { input: variant === 'credits' ? { ...input, creditsMinor: SETTINGS.creditsMinor } : input } });
  };
  const book = async (variant: Variant): Promise<void> => {
    const student = students[turn++ % students.length]!;
    const response = await stack.postGateway(student.token, body(variant, student));
    const json = (await response.json()) as { data?: { createBooking?: { status: string } } };
    if (json.data?.createBooking?.status !== 'CONFIRMED') throw new Error(`${variant}: unexpected answer (HTTP ${response.status}): ${JSON.stringify(json).slice(0, 500)}`);
  };
  const made: Record<Variant, number> = { plain: 0, credits: 0 };
  /** `count` bookings of one kind from BENCH_CONCURRENCY closed-loop clients. */
  const phase = async (variant: Variant, count: number): Promise<PhaseResult> => {
    await settle();
    const latencies = new Float64Array(count);
    let next = 0;
    const cpu = startCpuPerCall();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: SETTINGS.concurrency }, async () => {
        for (let i = next++; i < count; i = next++) {
          const t = performance.now();
          await book(variant);
          latencies[i] = performance.now() - t;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    made[variant] += count;
    const sorted = latencies.sort();
    return {
      count,
      seconds,
      rate: count / seconds,
      p50: percentileSorted(sorted, 50),
      p99: percentileSorted(sorted, 99),
      ...cpu(count),
    };
  };

  log();
  log(
    `Measuring: ${SETTINGS.concurrency} clients, ${SETTINGS.rounds} rounds of ${SETTINGS.bookings} bookings of each kind, alternating (warm-up ${SETTINGS.warmup} each); credits ${SETTINGS.creditsMinor} of the price ${PRICE.amountMinor}, the card the rest`,
  );
  for (const variant of VARIANTS) await phase(variant, SETTINGS.warmup);
  await analyze(stack);
  const rounds: Record<Variant, PhaseResult>[] = [];
  for (let r = 0; r < SETTINGS.rounds; r += 1) {
    const order: Variant[] = r % 2 === 0 ? ['plain', 'credits'] : ['credits', 'plain'];
    const round = {} as Record<Variant, PhaseResult>;
    for (const variant of order) round[variant] = await phase(variant, SETTINGS.bookings);
    rounds.push(round);
    log(`  round ${r + 1}: ${order.map((v) => `${v} ${fmt(round[v].rate, 1)}/s`).join(', ')}, ratio credits/plain ${fmt(round.credits.rate / round.plain.rate)}`);
  }

  // What was written must add up: every credit booking reserved exactly its credits, no plain one any; the ledger balances.
  const db = stack.deps.booking.db;
  const [payments] = await db.query<{ plain: number; credits: number; other: number }>(
    `select count(*) filter (where credit_minor = 0 and amount_minor = $1)::int as plain,
            count(*) filter (where credit_minor = $2 and amount_minor = $1 - $2)::int as credits,
            count(*) filter (where not ((credit_minor = 0 and amount_minor = $1) or (credit_minor = $2 and amount_minor = $1 - $2)))::int as other
       from booking_payment where status = 'SCHEDULED'`,
    [PRICE.amountMinor, SETTINGS.creditsMinor],
  );
  const [ledger] = await db.query<{ reserves: number; unbalanced: number; negative: number }>(
    `select (select count(*) from credit_transaction where kind = 'RESERVE')::int as reserves,
            (select count(*) from (select transaction_id from credit_posting group by transaction_id having sum(amount_minor) <> 0) t)::int as unbalanced,
            (select count(*) from (select account, lot_id from credit_posting where account !~ '^platform:' group by account, lot_id having sum(amount_minor) < 0) n)::int as negative`,
  );
  const [overlap] = await db.query<{ n: number }>(
    `select count(*)::int as n from booking a join booking b on a.instructor_id = b.instructor_id and a.id < b.id
      where a.status = 'CONFIRMED' and b.status = 'CONFIRMED' and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
  );
  log();
  log(
    `  written: ${payments!.plain} card-only payments, ${payments!.credits} with ${SETTINGS.creditsMinor} credits, ${ledger!.reserves} reservations; ${payments!.other} other payments, ${ledger!.unbalanced} unbalanced ledger transactions, ${ledger!.negative} overdrawn accounts, ${overlap!.n} overlapping bookings`,
  );
  if (payments!.plain !== made.plain || payments!.credits !== made.credits || payments!.other !== 0 || ledger!.reserves !== made.credits || ledger!.unbalanced || ledger!.negative || overlap!.n) {
    throw new Error(`what was written does not add up: ${made.plain} plain and ${made.credits} credit bookings were made`);
  }

  const med = (variant: Variant, f: (p: PhaseResult) => number) => median(rounds.map((r) => f(r[variant])));
  log();
  log(
    table(
      ['createBooking', 'bookings/s', 'p50 ms', 'p99 ms', 'node µs/booking', 'pg µs/booking'],
      VARIANTS.map((variant) => [
        variant === 'plain' ? 'card only' : `+ creditsMinor ${SETTINGS.creditsMinor}`,
        fmt(med(variant, (p) => p.rate), 1),
        fmt(med(variant, (p) => p.p50)),
        fmt(med(variant, (p) => p.p99)),
        fmtInt(med(variant, (p) => p.nodeUs)),
        fmtInt(median(rounds.map((r) => r[variant].postgresUs).filter(Number.isFinite))),
      ]),
    ),
  );
  const ratios = rounds.map((r) => r.credits.rate / r.plain.rate);
  const ratio = median(ratios);
  const { min, max } = minMax(ratios);
  const total = (variant: Variant) => rounds.reduce((sum, r) => sum + r[variant].count, 0) / rounds.reduce((sum, r) => sum + r[variant].seconds, 0);
  log();
  log(`  ${'credits / plain, throughput (median over rounds)'.padEnd(52)} ${fmt(ratio)}   (rounds ${fmt(min)}–${fmt(max)}; goal ≥ ${GOAL})`);
  log(`  ${'credits / plain, throughput (all rounds together)'.padEnd(52)} ${fmt(total('credits') / total('plain'))}   (${fmt(total('credits'), 1)} vs ${fmt(total('plain'), 1)} bookings/s)`);
  // CPU per booking varies far less than throughput on a shared machine: the same comparison by cost.
  log(`  ${'plain / credits, CPU per booking of this process'.padEnd(52)} ${fmt(median(rounds.map((r) => r.plain.nodeUs / r.credits.nodeUs)))}   (gateway, subgraphs and clients share its one thread)`);
  log(`  ${'plain / credits, Postgres CPU per booking'.padEnd(52)} ${fmt(median(rounds.map((r) => r.plain.postgresUs / r.credits.postgresUs).filter(Number.isFinite)))}`);
  log(`  ${ratio >= GOAL ? 'PASS' : 'FAIL'}: createBooking applying credits keeps ${fmt(ratio * 100, 0)} % of the card-only create's throughput`);
});
