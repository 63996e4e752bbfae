/** Helpers for the booking suites: booking's SQL and outbox, instructor events, the booking workers in-process. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createEnvelope, topicForEventType, type EventEnvelope } from '@instainstru/events';
import { OutboxRelay, type Worker } from '@instainstru/platform';
import { eventually } from '@instainstru/test-harness';
import { instructorOfferingsWorker, instructorOfferingsGroup } from '../../services/booking/src/jobs/instructor-offerings.consumer';
import type { TestStack } from './stack';

/** Runs SQL as `service`'s role (booking by default) against the stack's database. */
export async function sqlAs<Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = [], service: 'booking' | 'availability' = 'booking'): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor(service) });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export const bookingSql = <Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = []) => sqlAs<Row>(stack, text, params, 'booking');

/** The booking schema's outbox, oldest first (optionally one booking's). */
export async function bookingOutbox(stack: TestStack, bookingId?: string): Promise<EventEnvelope[]> {
  const rows = await bookingSql<{ envelope: EventEnvelope }>(
    stack,
    `select envelope from outbox ${bookingId ? 'where aggregate_id = $1' : ''} order by seq`,
    bookingId ? [bookingId] : [],
  );
  return rows.map((r) => r.envelope);
}

/** How many bookings and booking events exist: a refused request leaves both unchanged. */
export async function bookingFootprint(stack: TestStack): Promise<{ bookings: number; events: number }> {
  const [row] = await bookingSql<{ bookings: string; events: string }>(stack, `select (select count(*) from booking) as bookings, (select count(*) from outbox) as events`);
  return { bookings: Number(row!.bookings), events: Number(row!.events) };
}

/** Pairs of active bookings of one instructor that overlap (must always be 0). */
export async function overlappingActiveBookings(stack: TestStack): Promise<number> {
  const [row] = await bookingSql<{ n: string }>(
    stack,
    `select count(*) as n from booking a join booking b on a.instructor_id = b.instructor_id and a.id < b.id
      where a.status in ('REQUESTED', 'CONFIRMED') and b.status in ('REQUESTED', 'CONFIRMED')
        and tstzrange(a.starts_at, a.ends_at) && tstzrange(b.starts_at, b.ends_at)`,
  );
  return Number(row!.n);
}

export interface InstructorStateOptions {
  instructorId?: string;
  userId?: string;
  revision?: number;
  isLive?: boolean;
  timezone?: string;
  services?: { serviceId: string; amountMinor?: number; durationsMinutes?: number[]; lessonModes?: string[] }[];
}

/** An instructor event as the instructor service publishes it (valid against its schema). */
export function instructorStateEvent(o: InstructorStateOptions = {}): EventEnvelope {
  const instructorId = o.instructorId ?? randomUUID();
  const isLive = o.isLive ?? true;
  const type = isLive ? 'instructor.went-live' : 'instructor.went-offline';
  return createEnvelope({
    type,
    aggregateId: instructorId,
    payload: {
      instructorId,
      userId: o.userId ?? `teacher-${instructorId.slice(0, 8)}`,
      revision: o.revision ?? 1,
      instructor: {
        displayName: 'Test Instructor',
        bio: null,
        yearsOfExperience: null,
        timezone: o.timezone ?? 'America/New_York',
        isLive,
        hasPhoto: false,
        area: null,
        location: null,
      },
      offeredServices: (o.services ?? []).map((s) => ({
        offeredServiceId: randomUUID(),
        serviceId: s.serviceId,
        hourlyRate: { amountMinor: s.amountMinor ?? 6500, currency: 'USD' },
        durationsMinutes: s.durationsMinutes ?? [60, 30],
        ageGroups: ['adults'],
        levels: ['beginner'],
        lessonModes: s.lessonModes ?? ['online'],
        travelRadiusMiles: null,
      })),
      ...(isLive ? {} : { reason: 'INSTRUCTOR_REQUEST' }),
    },
  });
}

/** Publishes events on the instructor topic of the stack's prefix, as the instructor's relay would. */
export async function publishInstructorEvents(stack: TestStack, events: EventEnvelope[]): Promise<void> {
  const deps = stack.deps.booking!;
  await deps.bus.publish(
    events.map((event) => ({ topic: topicForEventType(event.type, deps.config.kafka.topicPrefix), key: event.aggregateId, value: JSON.stringify(event), headers: {} })),
  );
}

/** Waits until booking's consumer recorded these events in its inbox (applied or dropped). */
export async function bookingProcessed(stack: TestStack, events: EventEnvelope[]): Promise<void> {
  const group = instructorOfferingsGroup(stack.deps.booking!.config.kafka.topicPrefix);
  await eventually(
    async () => {
      const rows = await bookingSql<{ n: string }>(stack, `select count(*) as n from inbox where consumer = $1 and event_id = any($2::uuid[])`, [group, events.map((e) => e.id)]);
      return Number(rows[0]!.n) === events.length;
    },
    20_000,
    `${events.length} instructor event(s) in booking's inbox`,
  );
}

/** The revision of an instructor booking's read model holds (0 when none). */
export async function bookingReadModelRevision(stack: TestStack, instructorId: string): Promise<number> {
  const [row] = await bookingSql<{ revision: number }>(stack, `select revision from instructor_offering where instructor_id = $1`, [instructorId]);
  return row?.revision ?? 0;
}

function relayWorker(stack: TestStack, service: 'instructor' | 'booking'): Worker | null {
  const deps = stack.deps[service];
  if (!deps) return null;
  const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger: deps.logger, schema: service, pollMs: 100 });
  return { name: `${service}-outbox-relay`, start: () => relay.start(), stop: () => relay.stop() };
}

/**
 * What `npm start` runs as workers for booking, in-process: booking's instructor read model and
 * booking's outbox relay, plus the instructor's relay when the stack runs the instructor service
 * and nobody else relays it (startAvailabilityWorkers does: pass `instructorRelay: false` then).
 */
export async function startBookingPipeline(stack: TestStack, options: { instructorRelay?: boolean } = {}): Promise<{ stop(): Promise<void> }> {
  const workers = [instructorOfferingsWorker(stack.deps.booking!), relayWorker(stack, 'booking'), options.instructorRelay === false ? null : relayWorker(stack, 'instructor')].filter(
    (w): w is Worker => w !== null,
  );
  for (const worker of workers) await worker.start();
  return {
    async stop() {
      for (const worker of [...workers].reverse()) await worker.stop();
    },
  };
}

export const BOOKING_FIELDS = `id status studentId startsAt endsAt durationMinutes lessonMode paymentStatus notes createdAt noShowMarkedAt
  instructor { id } service { id } price { amountMinor currency }
  cancellation { cancelledBy reason cancelledAt } completion { completedBy completedAt }`;

export const CREATE_BOOKING = `mutation($input: CreateBookingInput!) { createBooking(input: $input) { ${BOOKING_FIELDS} } }`;

/** A start time `hours` from now, on a whole hour (UTC). */
export function hoursFromNow(hours: number): Date {
  const d = new Date(Date.now() + hours * 3_600_000);
  d.setUTCMinutes(0, 0, 0);
  return d;
}

export interface BookingRowOptions {
  instructorId: string;
  instructorUserId: string;
  studentId: string;
  serviceId: string;
  startsAt: Date;
  durationMinutes?: number;
  status?: 'REQUESTED' | 'CONFIRMED';
  notes?: string | null;
  /** How long ago the row was created (a crashed create leaves an old REQUESTED row). */
  createdSecondsAgo?: number;
}

/** Inserts a booking row as a create would have left it (REQUESTED) or made it (CONFIRMED). */
export async function insertBookingRow(stack: TestStack, o: BookingRowOptions): Promise<string> {
  const id = randomUUID();
  const minutes = o.durationMinutes ?? 60;
  const status = o.status ?? 'CONFIRMED';
  await bookingSql(
    stack,
    `insert into booking (id, status, instructor_id, instructor_user_id, student_user_id, service_id, starts_at, ends_at, duration_minutes,
       lesson_mode, price_minor, currency, notes, confirmed_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $7::timestamptz + make_interval(mins => $8), $8, 'online', $9, 'USD', $10,
       case when $2 = 'CONFIRMED' then now() end, now() - make_interval(secs => $11))`,
    [id, status, o.instructorId, o.instructorUserId, o.studentId, o.serviceId, o.startsAt, minutes, Math.floor((6500 * minutes + 30) / 60), o.notes ?? null, o.createdSecondsAgo ?? 0],
  );
  return id;
}
