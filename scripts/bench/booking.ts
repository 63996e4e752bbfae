/**
 * createBooking throughput, as ratios against baselines measured in the same run (the machine is
 * noisy; absolute numbers mean little).
 *
 *   npx tsx --expose-gc scripts/bench/booking.ts     (npm run bench:booking)
 *
 * It starts its own stack in this process, like the tests do: the availability and booking
 * subgraphs (each on a throwaway database migrated like production, dropped afterwards) and the
 * real gateway over the committed supergraph; booking takes payment through the project's Stripe
 * emulator, in a world (secret key) of the bench's own, its request gate without a limit so it
 * never paces the run. Instructors are seeded through the services' own domain code (read models
 * from an instructor state, ten published weeks) and each given a Connect account onboarded on
 * the emulator (charges enabled); 64 students each save a card through the API
 * (startPaymentMethodSetup, the SetupIntent confirmed on the emulator as Stripe.js would). Seven
 * targets book lessons, in interleaved rounds (the order rotated each round and reversed every
 * other one, the garbage of one target collected before the next starts):
 *
 *   gateway   the createBooking mutation through the gateway (JWT, query planning, signed hop),
 *             the student's saved card as paymentMethodId
 *   subgraph  the same mutation straight to the booking subgraph (signed caller headers)
 *   create    the booking module's createBooking in this process, given the same input,
 *             availability's hold called in-process: booking's reads (the student's upcoming
 *             bookings, the instructor's offering and Connect account, the student's Stripe
 *             customer), the card check at the Stripe emulator (paymentMethods.retrieve,
 *             over HTTP), the hold's transaction, booking's transaction (the booking and its
 *             payment row, SCHEDULED)
 *   core      the database core of one booking: booking's single transaction alone
 *             (the module's bookHeldSlot: lock the instructor's row, re-check every rule,
 *             insert the booking CONFIRMED and its payment row, append booking.confirmed to the
 *             outbox; while the read model is at the revision checked, that is one statement)
 *   hold      availability's hold alone, in-process (its own SQL transaction)
 *   table     one plain INSERT of the same row into the booking table itself (its exclusion
 *             constraint, checks and indexes; no lock, no rules, no payment, no event): the floor
 *             of what any booking costs in this schema (ON CONFLICT DO NOTHING counts a taken slot)
 *   insert    the bare floor: one plain INSERT of the same row into a copy of the booking table
 *             (no constraints, no indexes)
 *
 * Every lesson starts a week or more ahead (the slot plan starts at firstMonday), beyond the
 * card's authorisation lead time (24 h): the authorisation is scheduled, never made while booking,
 * so a create makes one Stripe call, the card check.
 *
 * Per target it also prints the CPU time per call of this process (client and in-process services)
 * and of all Postgres processes; CPU per call is far steadier than throughput on a shared machine,
 * and the Postgres share separates the database's work from the client's. The emulator's CPU (its
 * own process) is in neither.
 *
 * Two scenarios: low contention (every call books a free slot of one of many instructors; every
 * call must succeed) and high contention (BENCH_CONTENDERS consecutive calls aim at the same slot of
 * a few instructors: one wins, the others must get CONFLICT SLOT_UNAVAILABLE; the losers of the
 * paying targets check the card too, as the hold comes after it). Any other answer fails the run,
 * as does a create answered other than CONFIRMED. At the end it counts overlapping active bookings
 * and overlapping active holds (buffers included), both must be 0, and the card payments: one
 * SCHEDULED for the whole price, its authorisation still ahead, per lesson gateway, subgraph and
 * create booked.
 *
 * Needs Postgres (superuser access to create the throwaway databases, as scripts/db-bootstrap.ts)
 * and, when gateway, subgraph or create runs, the Stripe emulator (npm run infra:up). Kafka is not
 * used (no relay runs; outbox rows stay unpublished in the throwaway database).
 * Knobs: BENCH_ROUNDS=5  BENCH_ROUND_SECONDS=3  BENCH_WARMUP_SECONDS=1  BENCH_CONNECTIONS=16
 *        BENCH_INSTRUCTORS=60  BENCH_CONTENDED_INSTRUCTORS=4  BENCH_CONTENDERS=8
 *        BENCH_SCENARIOS=low,high,database  BENCH_TARGETS=gateway,subgraph,create,core,hold,table
 *        (all by default; some only, e.g. core,table: the bare insert always runs)
 */
import { randomUUID } from 'node:crypto';
import { callerKeyFor, RemoteServiceError, ServiceError, signCaller, type Caller } from '@instainstru/platform';
import { createAvailabilityModule } from '../../services/availability/src/module';
import type { NewBooking, SlotHolds } from '../../services/booking/src/module';
import { settle } from './lib/async';
import {
  analyze,
  connectAccount,
  CREATE_BOOKING,
  firstMonday,
  instructorState,
  LESSON_MINUTES,
  lessonInput,
  PRICE,
  seedInstructors,
  seedStudents,
  SERVICE_ID,
  SlotPlan,
  startBookingStack,
  STEP_MINUTES,
  WEEKS,
  type BookingStack,
  type Slot,
  type Student,
} from './lib/booking-stack';
import { runBench } from './lib/cleanup';
import { benchParts, envInt } from './lib/env';
import { runClosedLoop, type LoopResult } from './lib/closed-loop';
import { startCpuPerCall, type CpuPerCall } from './lib/proc-cpu';
import { findPgbench, pgbenchScript, runPgbench, type PgbenchOptions, type PgbenchRun } from './lib/pgbench';
import { fmt, fmtInt, median, table } from './lib/stats';

/** The bench books thousands of lessons for a few dozen students: the per-student abuse limit would stop it. */
const BENCH_NO_UPCOMING_LIMIT = Number.MAX_SAFE_INTEGER;

const SETTINGS = {
  rounds: envInt('BENCH_ROUNDS', 5),
  roundSeconds: envInt('BENCH_ROUND_SECONDS', 3),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 1),
  connections: envInt('BENCH_CONNECTIONS', 16),
  instructors: envInt('BENCH_INSTRUCTORS', 60),
  contendedInstructors: envInt('BENCH_CONTENDED_INSTRUCTORS', 4),
  contenders: envInt('BENCH_CONTENDERS', 8),
};
const SCENARIOS = benchParts(['low', 'high', 'database'], 'BENCH_SCENARIOS');
const ALL_TARGETS = ['gateway', 'subgraph', 'create', 'core', 'hold', 'table', 'insert'] as const;
type Target = (typeof ALL_TARGETS)[number];
/** BENCH_TARGETS picks some; the bare INSERT always runs, as every ratio's baseline. */
const CHOSEN = benchParts(ALL_TARGETS, 'BENCH_TARGETS');
const TARGETS = ALL_TARGETS.filter((t) => CHOSEN.has(t) || t === 'insert');
/** The targets that make the whole create, payment checks included: they need saved cards and instructors' Connect accounts. */
const PAYING: readonly Target[] = ['gateway', 'subgraph', 'create'];
const PAYS = TARGETS.some((t) => PAYING.includes(t));
/** The students who book (their calls take turns over them). */
const STUDENTS = 64;

const log = (line = '') => console.log(line);
/** Weeks of slots for the targets that write only booking's tables (no published weeks, no horizon to stay in). */
const FAR_WEEKS = 520;
const WEEK_MS = 7 * 86_400_000;

const lessonEnd = (startsAt: Date) => new Date(startsAt.getTime() + LESSON_MINUTES * 60_000);

/** The booking a create makes for one of the bench's lessons (what bookHeldSlot is given). */
const benchLesson = (instructorId: string, instructorUserId: string, studentId: string, startsAt: Date): NewBooking => ({
  id: randomUUID(),
  instructorId,
  instructorUserId,
  studentId,
  serviceId: SERVICE_ID,
  startsAt,
  endsAt: lessonEnd(startsAt),
  durationMinutes: LESSON_MINUTES,
  lessonMode: 'online',
  price: PRICE,
  notes: null,
  // What a paid create writes beside the booking (the card checks happen before the hold, outside this step).
  payment: {
    customerId: 'cus_bench',
    paymentMethodId: 'pm_bench',
    amountMinor: PRICE.amountMinor,
    creditMinor: 0,
    currency: PRICE.currency,
    platformFeeMinor: Math.round(PRICE.amountMinor * 0.15),
    applicationFeeMinor: Math.round(PRICE.amountMinor * 0.15),
    destinationAccount: 'acct_bench',
    authorizeAt: new Date(startsAt.getTime() - 24 * 3_600_000),
    actionDeadline: new Date(startsAt.getTime() - 12 * 3_600_000),
  },
});

type Outcome = 'won' | 'conflict';

/** The plain INSERT of a booking row (the floor): $1 id … $11 confirmed at. */
const plainInsertInto = (table: string) => `insert into ${table} (id, status, instructor_id, instructor_user_id, student_user_id, service_id, starts_at, ends_at,
    duration_minutes, lesson_mode, price_minor, currency, notes, confirmed_at)
  values ($1, 'CONFIRMED', $2, $3, $4, $5, $6, $7, $8, 'online', $9, $10, null, $11)
  on conflict do nothing`;

/**
 * The seven ways to book one slot, each answering whether it won the slot or met a conflict.
 * `students` saved a card each (none when no paying target runs): the paying targets book with it.
 */
async function bookers(stack: BookingStack, students: Student[]): Promise<Record<Target, (slot: Slot, student: number) => Promise<Outcome>>> {
  const studentOf = (student: number) => `bench-student-${student % STUDENTS}`;
  const payer = (student: number) => students[student % STUDENTS]!;
  // What a student's app sends: the lesson and one of the student's saved cards.
  const body = (slot: Slot, student: Student) =>
    JSON.stringify({ query: CREATE_BOOKING, operationName: 'Book', variables: { input: { ...lessonInput(slot), paymentMethodId: student.card } } });
  const answer = async (response: Response): Promise<Outcome> => {
    const json = (await response.json()) as { data?: { createBooking?: { status: string } }; errors?: { extensions?: { code?: string; reason?: string } }[] };
    if (json.data?.createBooking?.status === 'CONFIRMED') return 'won';
    const ext = json.errors?.[0]?.extensions;
    if (ext?.code === 'CONFLICT' && ext.reason === 'SLOT_UNAVAILABLE') return 'conflict';
    throw new Error(`unexpected answer (HTTP ${response.status}): ${JSON.stringify(json).slice(0, 500)}`);
  };

  // Availability's hold in this process: the same SQL the internal route runs, without HTTP.
  const availabilityHolds = createAvailabilityModule(stack.deps.availability).holds;
  const inProcessHolds: SlotHolds = {
    async hold(request) {
      try {
        const held = await availabilityHolds.hold({ ...request, startsAt: new Date(request.startsAt), endsAt: new Date(request.endsAt) });
        return held;
      } catch (error) {
        if (error instanceof ServiceError) throw new RemoteServiceError('availability', { code: error.apiCode, reason: error.code, message: error.message });
        throw error;
      }
    },
    release: async (bookingId) => (await availabilityHolds.release(bookingId)).released,
  };
  const creation = stack.booking.creationWith(inProcessHolds);
  const refusedAsTaken = (error: unknown): Outcome => {
    if (error instanceof ServiceError && error.code === 'SLOT_UNAVAILABLE') return 'conflict';
    throw error;
  };

  const db = stack.deps.booking.db;
  await db.execute(`create table booking_bench_copy (like booking including defaults)`);
  const plainInsert = async (into: 'booking' | 'booking_bench_copy', slot: Slot, student: number): Promise<Outcome> => {
    const startsAt = new Date(slot.startsAt);
    const written = await db.execute(plainInsertInto(into), [
      randomUUID(), slot.instructorId, 'bench-teacher', studentOf(student), SERVICE_ID, startsAt, lessonEnd(startsAt), LESSON_MINUTES, PRICE.amountMinor, PRICE.currency, new Date(),
    ]);
    return written === 1 || into === 'booking_bench_copy' ? 'won' : 'conflict';
  };

  return {
    gateway: async (slot, student) => answer(await stack.postGateway(payer(student).token, body(slot, payer(student)))),
    subgraph: async (slot, student) => {
      const caller: Caller = { userId: payer(student).id, roles: ['student'], requestId: randomUUID() };
      const request = body(slot, payer(student));
      const signed = signCaller(caller, callerKeyFor(stack.signingSecret, 'booking'), { method: 'POST', path: '/graphql', body: request });
      return answer(await fetch(stack.bookingUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body: request }));
    },
    create: async (slot, student) => {
      try {
        const { id, card } = payer(student);
        const booked = await creation.createBooking({ userId: id, roles: ['student'], requestId: randomUUID() }, { ...lessonInput(slot), lessonMode: 'online', paymentMethodId: card });
        if (booked.status !== 'CONFIRMED') throw new Error(`create: the booking is ${booked.status}, not CONFIRMED`);
        return 'won';
      } catch (error) {
        return refusedAsTaken(error);
      }
    },
    core: async (slot, student) => {
      const booking = benchLesson(slot.instructorId, `bench-teacher-${slot.instructorId.slice(0, 8)}`, studentOf(student), new Date(slot.startsAt));
      try {
        // As createBooking calls it after the hold, checked against the seeded revision 1.
        await creation.bookHeldSlot(booking, 1);
        return 'won';
      } catch (error) {
        return refusedAsTaken(error);
      }
    },
    hold: async (slot) => {
      const startsAt = new Date(slot.startsAt);
      try {
        await availabilityHolds.hold({ bookingId: randomUUID(), instructorId: slot.instructorId, startsAt, endsAt: lessonEnd(startsAt) });
        return 'won';
      } catch (error) {
        return refusedAsTaken(error);
      }
    },
    table: (slot, student) => plainInsert('booking', slot, student),
    insert: (slot, student) => plainInsert('booking_bench_copy', slot, student),
  };
}

interface RoundResult extends LoopResult, CpuPerCall {
  won: number;
  conflicts: number;
}

/** The lessons each target booked, warm-ups included (the paying targets' must each have left a payment row). */
const booked = Object.fromEntries(ALL_TARGETS.map((t) => [t, 0])) as Record<Target, number>;

async function measure(book: (slot: Slot, student: number) => Promise<Outcome>, plan: SlotPlan, seconds: number): Promise<RoundResult> {
  await settle();
  let won = 0;
  let conflicts = 0;
  let student = 0;
  const cpu = startCpuPerCall();
  const result = await runClosedLoop(
    async () => {
      if ((await book(plan.next(), student++)) === 'won') won += 1;
      else conflicts += 1;
    },
    SETTINGS.connections,
    seconds,
  );
  return { ...result, won, conflicts, ...cpu(result.count) };
}

async function scenario(stack: BookingStack, name: 'low' | 'high', book: Record<Target, (slot: Slot, student: number) => Promise<Outcome>>, instructorIds: string[], monday: Date): Promise<void> {
  const contenders = name === 'low' ? 1 : SETTINGS.contenders;
  // Each target books its own slots (its own plan over its own share of the instructors), so no
  // target finds slots another one took. core writes only booking's database and hold only
  // availability's, so they share instructors; the plain INSERT has no constraint to meet anyway.
  // The targets that write only booking's tables need no published week: they book years ahead.
  const share = Math.floor(instructorIds.length / 4);
  const part = (i: number) => instructorIds.slice(i * share, i === 3 ? undefined : (i + 1) * share);
  const plans: Record<Target, SlotPlan> = {
    gateway: new SlotPlan(part(0), monday, contenders),
    subgraph: new SlotPlan(part(1), monday, contenders),
    create: new SlotPlan(part(2), monday, contenders),
    core: new SlotPlan(part(3), monday, contenders, FAR_WEEKS),
    hold: new SlotPlan(part(3), monday, contenders),
    // core's and hold's instructors, in the weeks after core's: the same constraint, slots of its own.
    table: new SlotPlan(part(3), new Date(monday.getTime() + FAR_WEEKS * WEEK_MS), contenders, FAR_WEEKS),
    insert: new SlotPlan(instructorIds, monday, contenders, FAR_WEEKS),
  };
  const run = async (target: Target, seconds: number) => {
    const result = await measure(book[target], plans[target], seconds);
    booked[target] += result.won;
    return result;
  };
  for (const target of TARGETS) await run(target, SETTINGS.warmupSeconds);
  await analyze(stack);
  const rounds: Record<Target, RoundResult>[] = [];
  for (let r = 0; r < SETTINGS.rounds; r += 1) {
    // Rotated each round, and reversed every other round, so no target always follows the same one.
    const rotated = TARGETS.map((_, i) => TARGETS[(i + r) % TARGETS.length]!);
    const order = r % 2 === 0 ? rotated : rotated.reverse();
    const round = {} as Record<Target, RoundResult>;
    for (const target of order) round[target] = await run(target, SETTINGS.roundSeconds);
    rounds.push(round);
    log(`  round ${r + 1}: ${order.map((t) => `${t} ${fmtInt(round[t].ops)}/s`).join(', ')}`);
  }
  if (name === 'low') {
    for (const round of rounds) for (const t of TARGETS) if (round[t].conflicts > 0) throw new Error(`${t} met ${round[t].conflicts} conflicts on free slots`);
  }
  const med = (t: Target, f: (r: RoundResult) => number) => median(rounds.map((r) => f(r[t])));
  log();
  log(
    table(
      ['target', 'calls/s', 'booked/s', 'conflicts/s', 'p50 ms', 'p99 ms', '× insert', 'node µs/call', 'pg µs/call'],
      TARGETS.map((t) => [
        t,
        fmtInt(med(t, (r) => r.ops)),
        fmtInt(med(t, (r) => (r.won * r.ops) / Math.max(1, r.count))),
        fmtInt(med(t, (r) => (r.conflicts * r.ops) / Math.max(1, r.count))),
        fmt(med(t, (r) => r.p50)),
        fmt(med(t, (r) => r.p99)),
        fmt(median(rounds.map((r) => r[t].ops / r.insert.ops))),
        fmtInt(med(t, (r) => r.nodeUs)),
        fmtInt(median(rounds.map((r) => r[t].postgresUs).filter(Number.isFinite))),
      ]),
    ),
  );
  log();
  const ratio = (a: Target, b: Target, label: string, why = '') => {
    if (TARGETS.includes(a) && TARGETS.includes(b)) log(`  ${label.padEnd(34)} ${fmt(median(rounds.map((r) => r[a].ops / r[b].ops)))}×${why ? `   (${why})` : ''}`);
  };
  ratio('core', 'table', 'core / INSERT into booking', "booking's transaction vs the same row into the same table; goal ≥ 0.60×");
  if (TARGETS.includes('core') && TARGETS.includes('table')) {
    // The database's own share of the same comparison: Postgres CPU per call, INSERT over core.
    const cpu = median(rounds.map((r) => r.table.postgresUs / r.core.postgresUs).filter(Number.isFinite));
    log(`  ${'core / INSERT, Postgres CPU'.padEnd(34)} ${fmt(cpu)}×   (the INSERT's Postgres CPU per call over core's: the database work alone)`);
  }
  ratio('core', 'insert', 'core / plain INSERT', 'vs a table without constraints or indexes');
  ratio('table', 'insert', 'INSERT into booking / plain INSERT', 'what the exclusion constraint and indexes cost');
  ratio('hold', 'insert', 'hold / plain INSERT', "availability's hold transaction");
  ratio('create', 'insert', 'create / plain INSERT', "card check at the emulator + read-model checks + hold + booking's transaction");
  ratio('subgraph', 'create', 'subgraph / create');
  ratio('gateway', 'subgraph', 'gateway / subgraph');
  ratio('gateway', 'core', 'gateway / core');
}

/** The instructors pgbench books for, their ids computed from `:i` (1…n). */
const pgbenchInstructorId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const PGBENCH_INSTRUCTOR = `('00000000-0000-4000-8000-' || lpad(:i::text, 12, '0'))::uuid`;
/** pgbench's lessons: a random slot of 45 minutes from 2200 on (far from every other target's). */
const PGBENCH_STARTS = `(timestamptz '2200-01-01 00:00Z' + make_interval(mins => ${STEP_MINUTES} * :k))`;
const PGBENCH_ENDS = `(timestamptz '2200-01-01 00:00Z' + make_interval(mins => ${STEP_MINUTES} * :k + ${LESSON_MINUTES}))`;
const PGBENCH_AGGREGATE = 'pgbench-booking';

/**
 * The database core alone: the create's single statement (the module's coreStatementSql, exactly
 * as the repository runs it, with a real booking.confirmed envelope) against the plain INSERT of the same
 * row, both driven by pgbench over prepared statements in interleaved rounds. Every call books a
 * free slot of one of BENCH_INSTRUCTORS instructors.
 */
async function databaseCore(stack: BookingStack): Promise<void> {
  const bin = findPgbench();
  if (!bin) {
    log('pgbench is not installed here: the database core alone is not measured');
    return;
  }
  const db = stack.deps.booking.db;
  for (let i = 1; i <= SETTINGS.instructors; i += 1) {
    const instructorId = pgbenchInstructorId(i);
    await stack.booking.applyInstructorState(instructorState(instructorId, 'bench-teacher'));
  }
  const student = `'bench-student-' || (:k % 64)`;
  const row = [`gen_random_uuid()`, PGBENCH_INSTRUCTOR, `'bench-teacher'`, student, `'${SERVICE_ID}'`, PGBENCH_STARTS, PGBENCH_ENDS, String(LESSON_MINUTES)];
  const setup = [`\\set i random(1, ${SETTINGS.instructors})`, `\\set k random(1, 20000000)`];
  const scripts = {
    core: pgbenchScript(
      setup,
      stack.booking.coreStatementSql({
        id: 'gen_random_uuid()', instructorId: PGBENCH_INSTRUCTOR, instructorUserId: `'bench-teacher'`, studentId: student, serviceId: `'${SERVICE_ID}'`,
        startsAt: PGBENCH_STARTS, endsAt: PGBENCH_ENDS, durationMinutes: String(LESSON_MINUTES), lessonMode: `'online'`,
        priceMinor: String(PRICE.amountMinor), currency: `'${PRICE.currency}'`, notes: 'null', confirmedAt: 'now()', revision: '1',
        customerId: `'cus_bench'`, paymentMethodId: `'pm_bench'`, applicationFeeMinor: String(Math.round(PRICE.amountMinor * 0.15)), destinationAccount: `'acct_bench'`,
        authorizeAt: 'now()', actionDeadline: 'now()',
        eventId: 'gen_random_uuid()', topic: `'${stack.deps.booking.config.kafka.topicPrefix}booking.events'`, aggregateId: `'${PGBENCH_AGGREGATE}'`,
        eventType: `'booking.confirmed'`, eventVersion: '1', envelope: ':envelope',
      }),
      [],
    ),
    insert: pgbenchScript(setup, plainInsertInto('booking'), [...row, String(PRICE.amountMinor), `'${PRICE.currency}'`, 'now()']),
  };
  // A real envelope of the size the service writes (the statement stores it as it is given): the
  // one booking.confirmed of a lesson booked through the module, at 2200-01-01 00:00 (before every
  // pgbench slot), as its outbox row holds it.
  const sample = benchLesson(pgbenchInstructorId(1), 'bench-teacher', 'bench-student-1', new Date(Date.UTC(2200, 0, 1)));
  await stack.booking.creation.bookHeldSlot(sample, 1);
  const [written] = await db.query<{ envelope: string }>(`select envelope::text as envelope from outbox where aggregate_id = $1`, [sample.id]);
  const envelope = written!.envelope;
  const options: PgbenchOptions = {
    bin,
    url: stack.deps.booking.config.database.url,
    sessionOptions: `-c search_path=${stack.deps.booking.config.database.schema},extensions`,
    clients: SETTINGS.connections,
    seconds: SETTINGS.roundSeconds,
    defines: { envelope },
  };
  const order = ['core', 'insert'] as const;
  for (const name of order) await runPgbench(scripts[name], { ...options, seconds: SETTINGS.warmupSeconds });
  await analyze(stack);
  /** One pgbench run and the Postgres CPU per transaction it cost (its backends exit with it). */
  const measured = async (name: (typeof order)[number]) => {
    const cpu = startCpuPerCall();
    const run = await runPgbench(scripts[name], options);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the postmaster waits for the exited backends
    return { ...run, postgresUs: cpu(run.transactions).postgresUs };
  };
  const rounds: Record<(typeof order)[number], PgbenchRun & { postgresUs: number }>[] = [];
  let coreCalls = 0;
  for (let r = 0; r < SETTINGS.rounds; r += 1) {
    const round = {} as Record<(typeof order)[number], PgbenchRun & { postgresUs: number }>;
    const names = r % 2 === 0 ? order : [...order].reverse();
    for (const name of names) round[name] = await measured(name);
    coreCalls += round.core.transactions;
    rounds.push(round);
    log(`  round ${r + 1}: ${names.map((n) => `${n} ${fmtInt(round[n].transactionsPerSecond)}/s (pg ${fmtInt(round[n].postgresUs)} µs/call)`).join(', ')}`);
  }
  // The statement must have booked (not found the read model moved on): one event per booking.
  const [events] = await db.query<{ n: string }>(`select count(*) as n from outbox where aggregate_id = $1`, [PGBENCH_AGGREGATE]);
  // (The warm-up booked too, so a statement that books every time leaves more events than calls.)
  const booked = Number(events!.n);
  if (booked < 0.99 * coreCalls) throw new Error(`pgbench's core statement booked only ${booked} lessons in ${coreCalls} calls`);
  log();
  log(
    `  ${'database core / INSERT into booking'.padEnd(34)} ${fmt(median(rounds.map((r) => r.core.transactionsPerSecond / r.insert.transactionsPerSecond)))}×   (the create's statement vs the same row's INSERT, both from pgbench; goal ≥ 0.60×)`,
  );
  const cpu = median(rounds.map((r) => r.insert.postgresUs / r.core.postgresUs).filter(Number.isFinite));
  log(`  ${'database core / INSERT, Postgres CPU'.padEnd(34)} ${fmt(cpu)}×   (the INSERT's Postgres CPU per call over the statement's, from the same runs)`);
}

/**
 * The payments the paying targets' bookings left (found by the students' saved cards; core's rows
 * name a made-up card): one per lesson they booked, each SCHEDULED for the whole price on the
 * card, no credits, its authorisation still ahead (none was made while booking).
 */
async function cardPayments(stack: BookingStack, students: Student[]): Promise<{ payments: number; scheduled: number }> {
  const [row] = await stack.deps.booking.db.query<{ payments: number; scheduled: number }>(
    `select count(*)::int as payments,
            count(*) filter (where b.status = 'CONFIRMED' and p.status = 'SCHEDULED' and p.amount_minor = $1 and p.credit_minor = 0 and p.authorize_at > now())::int as scheduled
       from booking_payment p join booking b on b.id = p.booking_id
      where p.payment_method_id = any($2)`,
    [PRICE.amountMinor, students.map((s) => s.card)],
  );
  return row!;
}

async function overlaps(stack: BookingStack): Promise<{ bookings: number; holds: number }> {
  const [b] = await stack.deps.booking.db.query<{ n: string }>(
    `select count(*) as n from booking a join booking b on a.instructor_id = b.instructor_id and a.id < b.id
      where a.status in ('REQUESTED', 'CONFIRMED') and b.status in ('REQUESTED', 'CONFIRMED')
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
  );
  const buffer = createAvailabilityModule(stack.deps.availability).config.bufferMinutes;
  const [h] = await stack.deps.availability.db.query<{ n: string }>(
    `select count(*) as n from slot_hold a join slot_hold b on a.instructor_id = b.instructor_id and a.booking_id < b.booking_id
      where (a.status = 'CONFIRMED' or a.expires_at > now()) and (b.status = 'CONFIRMED' or b.expires_at > now())
        and tstzrange(a.starts_at, a.ends_at + make_interval(mins => $1)) && tstzrange(b.starts_at, b.ends_at + make_interval(mins => $1))`,
    [buffer],
  );
  return { bookings: Number(b!.n), holds: Number(h!.n) };
}

runBench(`booking bench: ${JSON.stringify(SETTINGS)} scenarios=${[...SCENARIOS].join(',')}`, async () => {
  const stack = await startBookingStack({ name: 'bench', maxUpcomingPerStudent: BENCH_NO_UPCOMING_LIMIT });
  const monday = firstMonday();
  const t0 = Date.now();
  // Booking refuses to take payment for an instructor without a Connect account able to charge.
  const account = PAYS ? connectAccount(stack) : undefined;
  const low = await seedInstructors(stack, SETTINGS.instructors, monday, account);
  const high = await seedInstructors(stack, SETTINGS.contendedInstructors * 4, monday, account);
  log(`seeded ${low.length + high.length} instructors with ${WEEKS} published weeks${PAYS ? ' and a Connect account' : ''} each in ${fmtInt(Date.now() - t0)} ms`);
  const t1 = Date.now();
  const students = PAYS ? await seedStudents(stack, STUDENTS) : [];
  if (PAYS) log(`seeded ${students.length} students, each with a card saved through the API, in ${fmtInt(Date.now() - t1)} ms`);
  const book = await bookers(stack, students);
  if (SCENARIOS.has('low')) {
    log();
    log(`Low contention: ${low.length} instructors, every call books a free slot, ${SETTINGS.connections} clients`);
    await scenario(stack, 'low', book, low, monday);
  }
  if (SCENARIOS.has('high')) {
    log();
    log(`High contention: ${high.length} instructors, ${SETTINGS.contenders} consecutive calls per slot, ${SETTINGS.connections} clients`);
    await scenario(stack, 'high', book, high, monday);
  }
  if (SCENARIOS.has('database')) {
    log();
    log(`Database core alone (pgbench, a C client): ${SETTINGS.instructors} instructors, every call books a free slot, ${SETTINGS.connections} connections`);
    await databaseCore(stack);
  }
  const found = await overlaps(stack);
  log();
  log(`overlapping active bookings: ${found.bookings}   overlapping active holds (buffer included): ${found.holds}`);
  if (found.bookings !== 0 || found.holds !== 0) throw new Error('overlaps found');
  if (PAYS) {
    const paid = PAYING.reduce((sum, t) => sum + booked[t], 0);
    const { payments, scheduled } = await cardPayments(stack, students);
    log(`card payments: ${scheduled} scheduled as booked, of ${payments} written, for ${paid} lessons booked by ${PAYING.filter((t) => TARGETS.includes(t)).join(', ')}`);
    if (payments !== paid || scheduled !== paid) throw new Error('the card payments do not match the lessons booked');
  }
});
