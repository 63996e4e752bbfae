/**
 * The stack the booking benchmarks (booking.ts, credits.ts) run in their own process, like the
 * tests do: the availability and booking subgraphs, each on a throwaway database migrated like
 * production (dropped afterwards), and the real gateway over the committed supergraph, which
 * verifies the bench's own dev tokens; booking pays through the project's Stripe emulator, in a
 * world (secret key) of the bench's own. Also what they book: one service taught in 30-minute
 * online lessons at 60 USD an hour, instructors seeded through the services' own domain code with
 * ten published weeks (and, to take payment, a Connect account onboarded on the emulator),
 * students who saved a card through the API, and the slots handed out to book.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import {
  closeServiceDeps,
  createLogger,
  createServiceDeps,
  createStripeClient,
  loadServiceConfig,
  PlatformMetrics,
  type Caller,
  type ServiceDeps,
  type ServiceName,
} from '@instainstru/platform';
import { createAvailabilityModule } from '../../../services/availability/src/module';
import { createBookingModule, loadBookingConfig, type BookingModule } from '../../../services/booking/src/module';
import { mintDevToken } from '../../../gateway/src/auth/dev-key';
import { createCallerResolver } from '../../../gateway/src/auth/jwt-verifier';
import { buildGateway } from '../../../gateway/src/server';
import { serviceMigrations } from '../../services';
import { createBenchDatabase } from './bench-database';
import { inParallel } from './async';
import { onCleanup } from './cleanup';

const ISSUER = 'https://auth.instainstru.bench';
const AUDIENCE = 'instainstru-api';
const SUPERGRAPH = join(__dirname, '../../../schemas/supergraph.graphql');
/** The project's Stripe emulator (npm run infra:up). */
const EMULATOR = process.env.STRIPE_EMULATOR_URL ?? 'http://127.0.0.1:12120';

/** The one service every bench instructor offers. */
export const SERVICE_ID = randomUUID();
/** Lessons of 30 minutes, one every 45 (the default 15-minute buffer after each). */
export const LESSON_MINUTES = 30;
export const STEP_MINUTES = 45;
export const HOURLY_RATE = { amountMinor: 6000, currency: 'USD' };
/** What booking charges for one of the bench's lessons: the hourly rate pro rata (3000 minor units). */
export const PRICE = { amountMinor: (HOURLY_RATE.amountMinor * LESSON_MINUTES) / 60, currency: HOURLY_RATE.currency };
const SLOTS_PER_DAY = Math.floor((24 * 60) / STEP_MINUTES);
/** The weeks every seeded instructor publishes. */
export const WEEKS = 10;

export const CREATE_BOOKING = 'mutation Book($input: CreateBookingInput!) { createBooking(input: $input) { id status } }';

export interface Slot {
  instructorId: string;
  startsAt: string;
}

const SETUP = 'mutation Setup { startPaymentMethodSetup { setupIntentId } }';

/** The CreateBookingInput of one of the bench's online lessons in `slot` (no payment fields). */
export const lessonInput = (slot: Slot) => ({ instructorId: slot.instructorId, serviceId: SERVICE_ID, startsAt: slot.startsAt, durationMinutes: LESSON_MINUTES, lessonMode: 'ONLINE' });

/**
 * The Monday 00:00 UTC two weeks ahead: beyond the minimum notice and the card's authorisation lead
 * time (the authorisation is scheduled, never made while booking), the published weeks within the
 * booking horizon.
 */
export function firstMonday(): Date {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7) + 7);
  return d;
}

/**
 * Hands out slots over `weeks` weeks from `monday`, one after another over the instructors in
 * turn: the n-th call aims at slot floor(n / contenders) (contenders = 1: always a free one).
 */
export class SlotPlan {
  private n = 0;
  constructor(
    private readonly instructorIds: string[],
    private readonly monday: Date,
    private readonly contenders = 1,
    private readonly weeks = WEEKS,
  ) {}

  next(): Slot {
    const k = Math.floor(this.n++ / this.contenders);
    const instructorId = this.instructorIds[k % this.instructorIds.length]!;
    const perInstructor = Math.floor(k / this.instructorIds.length);
    const day = Math.floor(perInstructor / SLOTS_PER_DAY);
    if (day >= this.weeks * 7) throw new Error('The bench ran out of slots: raise BENCH_INSTRUCTORS, or book fewer lessons (shorter or fewer rounds)');
    const minutes = day * 24 * 60 + (perInstructor % SLOTS_PER_DAY) * STEP_MINUTES;
    return { instructorId, startsAt: new Date(this.monday.getTime() + minutes * 60_000).toISOString() };
  }
}

export interface BookingStack {
  deps: Record<'availability' | 'booking', ServiceDeps>;
  /** The booking service as the stack built it (availability over HTTP). */
  booking: BookingModule;
  gatewayUrl: string;
  bookingUrl: string;
  signingSecret: string;
  /** The bench's Stripe world on the emulator, as booking's secret key sees it. */
  stripe: ReturnType<typeof createStripeClient>;
  stripeKey: string;
  /** A dev token the gateway accepts: `sub` with `roles`, valid for `ttlSeconds`. */
  token(sub: string, roles: string[], ttlSeconds: number): Promise<string>;
  /** POSTs a GraphQL request body to the gateway with `token` as the bearer. */
  postGateway(token: string, body: string): Promise<Response>;
}

export interface BookingStackOptions {
  /** Starts the Kafka topic prefix the outbox rows name (`<name>-<ms>.`); no relay publishes them. */
  name: string;
  /** The upcoming bookings one student may hold at least: the bench books many for each. */
  maxUpcomingPerStudent: number;
}

export async function startBookingStack(options: BookingStackOptions): Promise<BookingStack> {
  const prefix = `${options.name}-${Date.now()}.`;
  const stripeKey = `sk_test_bench_${randomUUID().replace(/-/g, '')}`;
  const bookingEnv = { ...process.env, STRIPE_API_BASE: EMULATOR, STRIPE_SECRET_KEY: stripeKey };
  const deps = {} as Record<'availability' | 'booking', ServiceDeps>;
  const urls: Partial<Record<ServiceName, string>> = {};
  let booking: BookingModule | undefined;
  for (const name of ['availability', 'booking'] as const) {
    const database = await createBenchDatabase(name, serviceMigrations[name]);
    const config = loadServiceConfig(name, { ...process.env, DATABASE_URL: database.url, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DB_POOL_MAX: '20' });
    deps[name] = await createServiceDeps(config, []);
    onCleanup(`close ${name}`, () => closeServiceDeps(deps[name]));
    if (name === 'booking') {
      const settings = loadBookingConfig(bookingEnv);
      booking = createBookingModule(deps[name], {
        config: {
          ...settings,
          // Booking's Stripe request gate without a limit, so it never paces the bench: at the
          // highest rate the setting allows (STRIPE_MAX_REQUESTS_PER_SECOND=1000) it still spaces
          // calls 1 ms apart, and at a few hundred card checks a second delays a third or more of
          // them by about 4 ms each (its timers fire late on a busy event loop). Every call still
          // passes through it.
          stripe: { ...settings.stripe, maxRequestsPerSecond: Number.POSITIVE_INFINITY },
          availability: { url: urls.availability!.replace(/\/graphql$/, ''), timeoutMs: 5000 },
          autoCompleteAfterMinutes: 1440,
          jobIntervalMs: 30_000,
          maxUpcomingPerStudent: Math.max(settings.maxUpcomingPerStudent ?? 0, options.maxUpcomingPerStudent),
        },
      });
    }
    const server = name === 'availability' ? await createAvailabilityModule(deps[name]).subgraph() : await booking!.subgraph();
    onCleanup(`drain ${name}`, () => server.drain());
    const http = await server.listen(0, '127.0.0.1');
    urls[name] = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  }
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'bench-1' };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'EdDSA' };
  const signingSecret = deps.booking.config.signingSecret;
  const gateway = await buildGateway({
    supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'),
    // The subgraphs the bench does not run: an address nothing answers at (no booking query reaches them).
    subgraphUrls: { ...Object.fromEntries((['catalog', 'instructor', 'reviews', 'partners'] as const).map((n) => [n, 'http://127.0.0.1:9/graphql'])), ...urls },
    resolveCaller: createCallerResolver({ issuer: ISSUER, audience: AUDIENCE, publicJwks: [publicJwk] }),
    signingSecret,
    logger: createLogger('gateway', 'warn'),
    metrics: new PlatformMetrics('gateway'),
  });
  onCleanup('drain gateway', () => gateway.drain());
  const gatewayHttp = await gateway.listen(0, '127.0.0.1');
  const gatewayUrl = `http://127.0.0.1:${(gatewayHttp.address() as AddressInfo).port}/graphql`;
  return {
    deps,
    booking: booking!,
    gatewayUrl,
    bookingUrl: urls.booking!,
    signingSecret,
    stripe: createStripeClient({ apiBase: new URL(EMULATOR), secretKey: stripeKey, appName: options.name }),
    stripeKey,
    token: (sub, roles, ttlSeconds) => mintDevToken(privateJwk, { sub, roles, issuer: ISSUER, audience: AUDIENCE, ttlSeconds }),
    postGateway: (token, body) => fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }),
  };
}

/** A live instructor (revision 1) in UTC offering the bench's service: 30-minute online lessons at 60 USD an hour. */
export const instructorState = (instructorId: string, userId: string) => ({
  instructorId,
  userId,
  revision: 1,
  instructor: { timezone: 'UTC', isLive: true },
  offeredServices: [{ serviceId: SERVICE_ID, hourlyRate: HOURLY_RATE, durationsMinutes: [LESSON_MINUTES], lessonModes: ['online' as const] }],
});

/**
 * Seeds `count` instructors into both read models and publishes WEEKS whole weeks (00:00–24:00
 * UTC) from `monday` for each; `then` runs for each instructor once that is done.
 */
export async function seedInstructors(stack: BookingStack, count: number, monday: Date, then?: (instructorId: string) => Promise<void>): Promise<string[]> {
  const availability = createAvailabilityModule(stack.deps.availability);
  const { weeks } = availability;
  const ids: string[] = [];
  const weekStart = monday.toISOString().slice(0, 10);
  const slots = [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, startTime: '00:00', endTime: '24:00' }));
  for (let i = 0; i < count; i += 1) {
    const instructorId = randomUUID();
    const userId = `bench-teacher-${instructorId.slice(0, 8)}`;
    const payload = instructorState(instructorId, userId);
    await availability.applyInstructorState(payload);
    await stack.booking.applyInstructorState(payload);
    const caller: Caller = { userId, roles: ['instructor'], requestId: randomUUID() };
    const { version } = await weeks.week(instructorId, weekStart);
    await weeks.save(caller, { instructorId, weekStart, slots, expectedVersion: version, clearExisting: true });
    await weeks.copy(caller, instructorId, weekStart, WEEKS - 1);
    await then?.(instructorId);
    ids.push(instructorId);
  }
  return ids;
}

/**
 * `then` for seedInstructors: a Connect account for the instructor, created and onboarded on the
 * emulator (charges and payouts enabled), given to booking's read model of payout accounts as
 * instructor.payout-account-updated would: without it booking refuses to take their bookings.
 */
export function connectAccount(stack: BookingStack): (instructorId: string) => Promise<void> {
  return async (instructorId) => {
    const account = await stack.stripe.accounts.create({ type: 'express', country: 'US', capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
    const onboarded = await fetch(`${EMULATOR}/_emulator/accounts/${account.id}/onboard`, { method: 'POST', headers: { authorization: `Bearer ${stack.stripeKey}` } });
    if (!onboarded.ok) throw new Error(`the emulator did not onboard ${account.id}: HTTP ${onboarded.status}`);
    await stack.booking.applyPayoutAccount({
      instructorId,
      stripeAccountId: account.id,
      chargesEnabled: true,
      payoutsEnabled: true,
      detailsSubmitted: true,
      revision: 1,
      occurredAt: new Date().toISOString(),
    });
  };
}

/** A GraphQL call through the gateway with `token` as the bearer that must answer data without errors. */
export async function graphql<T>(stack: BookingStack, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await stack.postGateway(token, JSON.stringify({ query, variables }));
  const json = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!response.ok || json.errors?.length || !json.data) throw new Error(`${query.slice(0, 40)}…: HTTP ${response.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json.data;
}

export interface Student {
  /** `bench-student-<i>`. */
  id: string;
  /** A student's JWT the gateway accepts, valid for four hours. */
  token: string;
  /** The card the student saved (`pm_…`): the paymentMethodId of their bookings. */
  card: string;
}

/**
 * Students bench-student-0 … count − 1, each of whom saved a card through the API
 * (startPaymentMethodSetup through the gateway, then the SetupIntent confirmed on the emulator with
 * a test Visa, as Stripe.js does in the student's browser); `then` runs for each student once that
 * is done. Eight at a time.
 */
export async function seedStudents(stack: BookingStack, count: number, then?: (student: Student) => Promise<void>): Promise<Student[]> {
  return inParallel(
    Array.from({ length: count }, (_, i) => `bench-student-${i}`),
    8,
    async (id) => {
      const token = await stack.token(id, ['student'], 4 * 3600);
      const { startPaymentMethodSetup } = await graphql<{ startPaymentMethodSetup: { setupIntentId: string } }>(stack, token, SETUP);
      const setup = await stack.stripe.setupIntents.confirm(startPaymentMethodSetup.setupIntentId, { payment_method: 'pm_card_visa' });
      const card = typeof setup.payment_method === 'string' ? setup.payment_method : setup.payment_method?.id;
      if (setup.status !== 'succeeded' || !card) throw new Error(`the SetupIntent of ${id} is ${setup.status}`);
      const student = { id, token, card };
      await then?.(student);
      return student;
    },
  );
}

/**
 * Gathers the planner's statistics, as autovacuum has long since done in any running deployment.
 * The throwaway databases start empty; without statistics the first rounds would run on plans made
 * for empty tables (the create's same-start probe, for one, then scans the instructor's whole entry
 * in the exclusion index) until autovacuum's next pass, a minute or more into the measurement.
 */
export async function analyze(stack: BookingStack): Promise<void> {
  for (const deps of Object.values(stack.deps)) await deps.db.execute('analyze');
}
