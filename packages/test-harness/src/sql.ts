/**
 * SQL a test runs against a stack's database, as one service's own role (so it sees what that
 * service sees, and nothing it may not): builders of rows a create would have left, counts that
 * must not change when a request is refused, and readers of outboxes, inboxes and read models.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventEnvelope } from '@instainstru/events';
import type { ServiceName } from '@instainstru/platform';
import type { TestStack } from './gateway-stack';
import { eventually } from './kafka';

/** Runs SQL as `service`'s role against the stack's database. */
export async function sqlAs<Row extends pg.QueryResultRow>(stack: TestStack, service: ServiceName, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor(service) });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** `sqlAs` bound to one service: `bookingSql(stack, text, params)`. */
export const sqlOf =
  (service: ServiceName) =>
  <Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = []): Promise<Row[]> =>
    sqlAs<Row>(stack, service, text, params);

export const availabilitySql = sqlOf('availability');
export const bookingSql = sqlOf('booking');
export const catalogSql = sqlOf('catalog');
export const instructorSql = sqlOf('instructor');

/** A service's outbox, oldest first (optionally one aggregate's). */
export async function outboxEvents(stack: TestStack, service: ServiceName, aggregateId?: string): Promise<EventEnvelope[]> {
  const rows = await sqlAs<{ envelope: EventEnvelope }>(
    stack,
    service,
    `select envelope from outbox ${aggregateId ? 'where aggregate_id = $1' : ''} order by seq`,
    aggregateId ? [aggregateId] : [],
  );
  return rows.map((r) => r.envelope);
}

/** The consumer group (and inbox consumer name) of a worker's `group` in this stack (its topic prefix first). */
export function consumerGroup(stack: TestStack, group: string): string {
  const deps = Object.values(stack.deps)[0];
  if (!deps) throw new Error('the stack runs no service');
  return `${deps.config.kafka.topicPrefix}${group}`;
}

/** Waits until `service`'s consumer group `group` recorded every event in its inbox (applied or dropped: its transaction committed). */
export async function eventsConsumed(stack: TestStack, service: ServiceName, group: string, events: EventEnvelope[]): Promise<void> {
  const consumer = consumerGroup(stack, group);
  const ids = events.map((e) => e.id);
  await eventually(
    async () => (await sqlAs<{ n: number }>(stack, service, `select count(*)::int as n from inbox where consumer = $1 and event_id = any($2::uuid[])`, [consumer, ids]))[0]!.n === ids.length,
    20_000,
    `${ids.length} event(s) (${[...new Set(events.map((e) => e.type))].join(', ')}) consumed by ${consumer}`,
  );
}

/** Where each service keeps its read model of instructors (fed by the instructor's events). */
const INSTRUCTOR_READ_MODEL = { availability: 'instructor_calendar', booking: 'instructor_offering', catalog: 'instructor_listing' } as const;
export type ReadModelService = keyof typeof INSTRUCTOR_READ_MODEL;

/** The revision of an instructor that `service`'s read model holds (0 when it has none). */
export async function readModelRevision(stack: TestStack, service: ReadModelService, instructorId: string): Promise<number> {
  const [row] = await sqlAs<{ revision: number }>(stack, service, `select revision from ${INSTRUCTOR_READ_MODEL[service]} where instructor_id = $1`, [instructorId]);
  return row?.revision ?? 0;
}

/** Waits until `service`'s read model holds the instructor at `revision` or later. */
export async function waitForReadModel(stack: TestStack, service: ReadModelService, instructorId: string, revision = 1): Promise<void> {
  await eventually(async () => (await readModelRevision(stack, service, instructorId)) >= revision, 20_000, `${service} to know instructor ${instructorId} at revision ${revision}`);
}

/** Waits until `service`'s read model caught up with the instructor's latest event (the revision in the instructor's outbox). */
export async function readModelCaughtUp(stack: TestStack, service: ReadModelService, instructorId: string): Promise<void> {
  const latest = (await outboxEvents(stack, 'instructor', instructorId)).at(-1);
  if (!latest) throw new Error(`instructor ${instructorId} has no events in the instructor's outbox`);
  await waitForReadModel(stack, service, instructorId, (latest.payload as { revision: number }).revision);
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

/** Inserts a booking row as a create would have left it (REQUESTED) or made it (CONFIRMED), at 65.00 USD an hour. */
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
