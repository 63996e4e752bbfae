/** Helpers for the calendar suites: availability's workers in-process, its read model, weeks, holds and booking events. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEnvelope, topicForEventType, type EventEnvelope } from '@instainstru/events';
import { InternalClient, OutboxRelay, type ServiceName, type Worker } from '@instainstru/platform';
import { eventually } from '@instainstru/test-harness';
import type { AvailabilityOptions } from '../../services/availability/src/server';
import { availabilityWorkers, buildAvailabilityServer } from '../../services/availability/src/server';
import { dataOf } from './instructor';
import type { AvailabilityConfig } from '../../services/availability/src/availability.config';
import { startStack, type GraphQLResult, type SubgraphBuilder, type TestStack } from './stack';

export interface WeekSlot {
  dayOfWeek: number;
  startTime: string;
  endTime: string;
}

export interface Week {
  instructorId: string;
  weekStart: string;
  timezone: string | null;
  version: string;
  slots: WeekSlot[];
}

/** A clock a test moves by hand (notice, horizon and hold expiry are measured on it). */
export interface TestClock {
  now(): Date;
  set(instant: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (instant) => void (current = new Date(instant).getTime()),
    advance: (ms) => void (current += ms),
  };
}

/** The availability subgraph for startStack, on the given clock and settings. */
export const availabilityBuilder = (options: AvailabilityOptions = {}): SubgraphBuilder => (deps) => buildAvailabilityServer(deps, options);

export interface AvailabilityWorkers {
  stop(): Promise<void>;
}

/**
 * What `npm start` runs as availability workers, in-process (instructor read model, booking
 * events on holds, expiry sweeper), plus the instructor's outbox relay when the stack runs it.
 */
export async function startAvailabilityWorkers(stack: TestStack, options: AvailabilityOptions = {}): Promise<AvailabilityWorkers> {
  const workers: Worker[] = availabilityWorkers(stack.deps.availability!, options);
  const instructor = stack.deps.instructor;
  if (instructor) {
    const relay = new OutboxRelay({ db: instructor.db, bus: instructor.bus, logger: instructor.logger, schema: 'instructor', pollMs: 100 });
    workers.push({ name: 'instructor-outbox-relay', start: () => relay.start(), stop: () => relay.stop() });
  }
  for (const worker of workers) await worker.start();
  return {
    async stop() {
      for (const worker of [...workers].reverse()) await worker.stop();
    },
  };
}

/** Runs SQL as the availability service's role against the stack's database. */
export async function availabilitySql<Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor('availability') });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Waits until availability's read model knows the instructor (at `revision` or later, when given). */
export async function waitForCalendar(stack: TestStack, instructorId: string, revision = 1): Promise<void> {
  await eventually(
    async () => {
      const [row] = await availabilitySql<{ revision: number }>(stack, `select revision from instructor_calendar where instructor_id = $1`, [instructorId]);
      return (row?.revision ?? 0) >= revision;
    },
    20_000,
    `availability to know instructor ${instructorId} at revision ${revision}`,
  );
}

export interface CalendarInstructor {
  instructorId: string;
  userId: string;
  timezone: string;
  isLive?: boolean;
  durationsMinutes?: number[];
  revision?: number;
}

/** An instructor event as the instructor service publishes it (valid against its schema). */
export function instructorEvent(i: CalendarInstructor): EventEnvelope {
  const isLive = i.isLive ?? true;
  const type = isLive ? 'instructor.went-live' : 'instructor.went-offline';
  return createEnvelope({
    type,
    aggregateId: i.instructorId,
    payload: {
      instructorId: i.instructorId,
      userId: i.userId,
      revision: i.revision ?? 1,
      instructor: {
        displayName: 'Calendar Teacher',
        bio: null,
        yearsOfExperience: null,
        timezone: i.timezone,
        isLive,
        hasPhoto: false,
        area: null,
        location: null,
      },
      offeredServices: [
        {
          offeredServiceId: randomUUID(),
          serviceId: randomUUID(),
          hourlyRate: { amountMinor: 6000, currency: 'USD' },
          durationsMinutes: i.durationsMinutes ?? [60],
          ageGroups: ['adults'],
          levels: ['beginner'],
          lessonModes: ['online'],
          travelRadiusMiles: null,
        },
      ],
      ...(isLive ? {} : { reason: 'INSTRUCTOR_REQUEST' }),
    },
  });
}

/** Publishes an event straight onto its topic, as the producing service's relay would. */
export async function publishEvent(stack: TestStack, event: EventEnvelope): Promise<void> {
  const deps = stack.deps.availability!;
  deps.schemas.validate(event);
  await deps.bus.publish([{ topic: topicForEventType(event.type, deps.config.kafka.topicPrefix), key: event.aggregateId, value: JSON.stringify(event), headers: {} }]);
}

/** Publishes the instructor's state and waits until availability applied it. */
export async function knownInstructor(stack: TestStack, i: CalendarInstructor): Promise<void> {
  await publishEvent(stack, instructorEvent(i));
  await waitForCalendar(stack, i.instructorId, i.revision ?? 1);
}

export interface Lesson {
  bookingId: string;
  instructorId: string;
  startsAt: string;
  endsAt: string;
}

/** A booking event as the booking service publishes it (schemas/events/booking.*.v1.json). */
export function bookingEvent(type: 'booking.confirmed' | 'booking.cancelled', lesson: Lesson): EventEnvelope {
  const durationMinutes = Math.round((Date.parse(lesson.endsAt) - Date.parse(lesson.startsAt)) / 60_000);
  const now = new Date().toISOString();
  return createEnvelope({
    type,
    aggregateId: lesson.bookingId,
    payload: {
      bookingId: lesson.bookingId,
      instructorId: lesson.instructorId,
      instructorUserId: 'instructor-user',
      studentUserId: 'student-user',
      serviceId: randomUUID(),
      status: type === 'booking.confirmed' ? 'CONFIRMED' : 'CANCELLED',
      startsAt: new Date(lesson.startsAt).toISOString(),
      endsAt: new Date(lesson.endsAt).toISOString(),
      durationMinutes,
      lessonMode: 'online',
      price: { amountMinor: 6000, currency: 'USD' },
      paymentStatus: 'NOT_STARTED',
      occurredAt: now,
      ...(type === 'booking.cancelled' ? { cancelledBy: 'STUDENT', reason: null, cancelledAt: now } : {}),
    },
  });
}

/** Waits until a consumer group of availability recorded the event in its inbox (its transaction committed). */
export async function processedBy(stack: TestStack, group: string, event: EventEnvelope): Promise<void> {
  await eventually(
    async () => (await availabilitySql(stack, `select 1 from inbox where consumer = $1 and event_id = $2`, [group, event.id])).length === 1,
    20_000,
    `${group} to process ${event.type}`,
  );
}

export const bookingHoldsGroup = (stack: TestStack) => `${stack.deps.availability!.config.kafka.topicPrefix}availability.booking-holds`;

/** The booking service's client of the hold routes (or another service's, to prove the allow-list). */
export function holdClient(stack: TestStack, from: ServiceName = 'booking'): InternalClient {
  return new InternalClient({ from, to: 'availability', baseUrl: stack.subgraphUrls.availability!.replace(/\/graphql$/, ''), signingSecret: stack.signingSecret });
}

export interface HoldAnswer {
  bookingId: string;
  instructorId: string;
  startsAt: string;
  endsAt: string;
  status: 'HELD' | 'CONFIRMED';
  expiresAt: string | null;
}

const WEEK_FIELDS = 'instructorId weekStart timezone version slots { dayOfWeek startTime endTime }';

export const WEEK_QUERY = `query($id: ID!, $w: String!) { availabilityWeek(instructorId: $id, weekStart: $w) { ${WEEK_FIELDS} } }`;
export const SAVE_WEEK = `mutation($id: ID!, $w: String!, $slots: [TimeSlotInput!]!, $v: String!, $clear: Boolean!) {
  saveAvailabilityWeek(instructorId: $id, weekStart: $w, slots: $slots, expectedVersion: $v, clearExisting: $clear) { ${WEEK_FIELDS} }
}`;
export const COPY_WEEK = `mutation($id: ID!, $w: String!, $n: Int!) { copyAvailabilityWeek(instructorId: $id, fromWeekStart: $w, weeks: $n) { ${WEEK_FIELDS} } }`;

export async function readWeek(stack: TestStack, instructorId: string, weekStart: string): Promise<Week> {
  return dataOf<{ availabilityWeek: Week }>(await stack.graphql(WEEK_QUERY, { variables: { id: instructorId, w: weekStart } })).availabilityWeek;
}

export function saveWeek(stack: TestStack, token: string, args: { instructorId: string; weekStart: string; slots: WeekSlot[]; expectedVersion: string; clearExisting?: boolean }): Promise<GraphQLResult> {
  return stack.graphql(SAVE_WEEK, {
    token,
    variables: { id: args.instructorId, w: args.weekStart, slots: args.slots, v: args.expectedVersion, clear: args.clearExisting ?? true },
  });
}

/** Publishes a whole week through the gateway (based on its current version), replacing what it had. */
export async function publishWeek(stack: TestStack, token: string, instructorId: string, weekStart: string, slots: WeekSlot[]): Promise<Week> {
  const { version } = await readWeek(stack, instructorId, weekStart);
  return dataOf<{ saveAvailabilityWeek: Week }>(await saveWeek(stack, token, { instructorId, weekStart, slots, expectedVersion: version })).saveAvailabilityWeek;
}

/** Active holds (confirmed, or held and unexpired at `now`) not fully inside the instructor's windows. */
export async function holdsOutsideAvailability(stack: TestStack, instructorId: string, now: Date): Promise<{ booking_id: string }[]> {
  return availabilitySql(
    stack,
    `select h.booking_id from slot_hold h
      where h.instructor_id = $1 and (h.status = 'CONFIRMED' or h.expires_at > $2)
        and not coalesce((select range_agg(w.during) from availability_window w where w.instructor_id = h.instructor_id) @> tstzrange(h.starts_at, h.ends_at), false)`,
    [instructorId, now],
  );
}

export interface CalendarTestbed {
  readonly stack: TestStack;
  readonly workers: AvailabilityWorkers;
  /** Booking's side of the internal hold routes. */
  readonly client: InternalClient;
  readonly clock: TestClock;
}

/**
 * Registers the hooks of a test file running availability alone behind the gateway, with its
 * workers and a moved clock (reset to `now` before each test). Read the fields inside tests.
 */
export function useCalendarTestbed(now: string, config?: AvailabilityConfig): CalendarTestbed {
  const clock = testClock(now);
  const options: AvailabilityOptions = { clock: clock.now, ...(config ? { config } : {}) };
  const bed = { clock } as { stack: TestStack; workers: AvailabilityWorkers; client: InternalClient; clock: TestClock };
  beforeAll(async () => {
    bed.stack = await startStack({ availability: availabilityBuilder(options) });
    bed.workers = await startAvailabilityWorkers(bed.stack, options);
    bed.client = holdClient(bed.stack);
  });
  afterAll(async () => {
    bed.client?.close();
    await bed.workers?.stop();
    await bed.stack?.stop();
  });
  beforeEach(() => clock.set(now));
  return bed;
}

