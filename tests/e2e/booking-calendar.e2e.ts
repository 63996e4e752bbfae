import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import { collectMessages, eventually } from '@instainstru/test-harness';
import { seedCatalog } from '../../services/catalog/src/infra/seed/seed-catalog';
import { buildCatalogServer } from '../../services/catalog/src/server';
import { buildInstructorServer } from '../../services/instructor/src/server';
import { BookingCreation } from '../../services/booking/src/domain/booking-creation.service';
import type { SlotHolds } from '../../services/booking/src/domain/slot-holds';
import { buildBookingServer, createBookingModule, type BookingModule } from '../../services/booking/src/server';
import {
  availabilityBuilder,
  availabilitySql,
  holdClient,
  publishWeek,
  startAvailabilityWorkers,
  waitForCalendar,
  type AvailabilityWorkers,
  type HoldAnswer,
} from '../support/availability';
import {
  BOOKING_FIELDS,
  CREATE_BOOKING,
  bookingFootprint,
  bookingOutbox,
  bookingProcessed,
  bookingReadModelRevision,
  bookingSql,
  insertBookingRow,
  instructorStateEvent,
  overlappingActiveBookings,
  publishInstructorEvents,
  startBookingPipeline,
} from '../support/booking';
import { liveInstructor, serviceIdsByName, type TestInstructor } from '../support/catalog';
import { dataOf, ensureBucket, errorOf, removeUploadsOf, s3Client } from '../support/instructor';
import { startStack, withPeers, type GraphQLResult, type TestStack } from '../support/stack';

/**
 * Booking end to end: the real gateway over the real instructor, catalog, availability and booking
 * subgraphs, with their workers in-process (instructor → Kafka → availability and booking read
 * models; booking → Kafka → availability holds).
 */

const ZONE = 'America/New_York';
/** The buffer availability keeps after each lesson (its default configuration). */
const BUFFER_MINUTES = 15;

let stack: TestStack;
let s3: S3Client;
let bookingParts: BookingModule;
let availabilityWorkers: AvailabilityWorkers;
let bookingPipeline: { stop(): Promise<void> };
let teacher: TestInstructor;
let teacherSub: string;
let pianoId: string;
/** The Monday (in the instructor's zone) of a week two weeks ahead, fully published 08:00–20:00. */
let monday: DateTime;
/** The booking service's clock runs this far ahead (to complete lessons that have not happened yet). */
let clockOffsetMs = 0;
/** Availability's clock runs this far ahead (to let unconfirmed holds expire). */
let calendarOffsetMs = 0;
const calendarClock = () => new Date(Date.now() + calendarOffsetMs);
/** The hold TTL of availability's default configuration (AVAILABILITY_HOLD_TTL_SECONDS). */
const HOLD_TTL_SECONDS = 600;
const WHOLE_DAYS = [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, startTime: '08:00', endTime: '20:00' }));

/** An instant of the published week: ISO day 1..7 at local HH:MM in the instructor's zone, as UTC ISO. */
const at = (day: number, hhmm: string): string => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return monday.plus({ days: day - 1 }).set({ hour: hour!, minute: minute!, second: 0, millisecond: 0 }).toUTC().toISO()!;
};

beforeAll(async () => {
  stack = await startStack({
    catalog: buildCatalogServer,
    instructor: buildInstructorServer,
    availability: availabilityBuilder({ clock: calendarClock }),
    booking: withPeers((deps, peers) => {
      bookingParts = createBookingModule(deps, {
        config: { availability: { url: peers.baseUrlOf('availability'), timeoutMs: 5000 }, autoCompleteAfterMinutes: 1440, jobIntervalMs: 60_000 },
        clock: () => new Date(Date.now() + clockOffsetMs),
      });
      return buildBookingServer(deps, bookingParts);
    }),
  });
  await seedCatalog(stack.deps.catalog!.db);
  s3 = s3Client();
  await ensureBucket(s3);
  availabilityWorkers = await startAvailabilityWorkers(stack, { clock: calendarClock });
  bookingPipeline = await startBookingPipeline(stack, { instructorRelay: false });
  pianoId = (await serviceIdsByName(stack)).Piano!;
  teacherSub = `teacher-${randomUUID().slice(0, 8)}`;
  teacher = await liveInstructor(stack, { sub: teacherSub, displayName: 'Booking Teacher', serviceId: pianoId, ageGroups: ['ADULTS'] });
  await liveInBooking(teacher.id, true);
  await waitForCalendar(stack, teacher.id);
  monday = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf('week');
  await publishWeek(stack, teacher.token, teacher.id, monday.toISODate()!, WHOLE_DAYS);
}, 120_000);

afterAll(async () => {
  await bookingPipeline?.stop();
  await availabilityWorkers?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

afterEach(() => {
  clockOffsetMs = 0;
  calendarOffsetMs = 0;
});

/** Waits until booking's read model holds the instructor with this live status. */
async function liveInBooking(instructorId: string, isLive: boolean): Promise<void> {
  await eventually(
    async () => (await bookingSql<{ is_live: boolean }>(stack, `select is_live from instructor_offering where instructor_id = $1`, [instructorId]))[0]?.is_live === isLive,
    20_000,
    `booking to see instructor ${instructorId} ${isLive ? 'live' : 'offline'}`,
  );
}

const studentToken = (sub: string) => stack.token({ sub, roles: ['student'] });

function book(token: string, startsAt: string, overrides: Record<string, unknown> = {}): Promise<GraphQLResult> {
  return stack.graphql(CREATE_BOOKING, {
    token,
    variables: { input: { instructorId: teacher.id, serviceId: pianoId, startsAt, durationMinutes: 60, lessonMode: 'ONLINE', ...overrides } },
  });
}

interface BookingView {
  id: string;
  status: string;
  startsAt: string;
  endsAt: string;
  price: { amountMinor: number; currency: string };
}

/** Holds at availability that overlap another active hold of the instructor, counting the buffer after each lesson. */
async function overlappingActiveHolds(): Promise<number> {
  const [row] = await availabilitySql<{ n: string }>(
    stack,
    `select count(*) as n from slot_hold a join slot_hold b on a.instructor_id = b.instructor_id and a.booking_id < b.booking_id
      where (a.status = 'CONFIRMED' or a.expires_at > now()) and (b.status = 'CONFIRMED' or b.expires_at > now())
        and tstzrange(a.starts_at, a.ends_at + make_interval(mins => $1)) && tstzrange(b.starts_at, b.ends_at + make_interval(mins => $1))`,
    [BUFFER_MINUTES],
  );
  return Number(row!.n);
}

const holdOf = async (bookingId: string) =>
  (await availabilitySql<{ status: string; starts_at: Date; ends_at: Date }>(stack, `select status, starts_at, ends_at from slot_hold where booking_id = $1`, [bookingId]))[0];

describe('successful booking', () => {
  it('books a lesson at a server-computed price, holds the slot, confirms it and announces it', async () => {
    const bus = stack.deps.booking!.bus;
    const collector = await collectMessages(bus, [`${stack.deps.booking!.config.kafka.topicPrefix}booking.events`]);
    try {
      const token = await studentToken('student-happy');
      const startsAt = at(1, '09:00');
      const { createBooking } = dataOf<{ createBooking: BookingView & Record<string, unknown> }>(
        await book(token, DateTime.fromISO(startsAt).setZone(ZONE).toISO()!, { durationMinutes: 30, notes: 'First lesson, total beginner' }),
      );
      expect(createBooking).toMatchObject({
        status: 'CONFIRMED',
        startsAt: new Date(startsAt).toISOString(),
        endsAt: new Date(Date.parse(startsAt) + 30 * 60_000).toISOString(),
        durationMinutes: 30,
        lessonMode: 'ONLINE',
        price: { amountMinor: 3250, currency: 'USD' },
        paymentStatus: 'NOT_STARTED',
        notes: 'First lesson, total beginner',
        studentId: 'student-happy',
        instructor: { id: teacher.id },
        service: { id: pianoId },
        cancellation: null,
      });

      const [confirmed] = await bookingOutbox(stack, createBooking.id);
      expect(confirmed).toMatchObject({ type: 'booking.confirmed', payload: { bookingId: createBooking.id, instructorUserId: teacherSub, price: { amountMinor: 3250 }, status: 'CONFIRMED' } });
      await eventually(() => collector.received.some((m) => m.headers['event-id'] === confirmed!.id), 20_000, 'booking.confirmed on Kafka');
      // Availability made the hold permanent on booking.confirmed.
      await eventually(async () => (await holdOf(createBooking.id))?.status === 'CONFIRMED', 20_000, 'the hold confirmed at availability');

      // Through the gateway, the booking joins the catalog's service and the instructor's profile.
      const read = await stack.graphql(`query($id: ID!) { booking(id: $id) { id service { name } instructor { id displayName } } }`, { token, variables: { id: createBooking.id } });
      expect(dataOf<{ booking: unknown }>(read).booking).toEqual({ id: createBooking.id, service: { name: 'Piano' }, instructor: { id: teacher.id, displayName: 'Booking Teacher' } });
      const stranger = await studentToken('student-stranger');
      expect(errorOf(await stack.graphql(`query($id: ID!) { booking(id: $id) { id } }`, { token: stranger, variables: { id: createBooking.id } }))).toMatchObject({
        code: 'NOT_FOUND',
        reason: 'BOOKING_NOT_FOUND',
      });
    } finally {
      await collector.stop();
    }
  });
});

describe('racing for slots', () => {
  it('of 50 students booking one slot at once exactly one succeeds; the others get CONFLICT', async () => {
    const startsAt = at(2, '10:00');
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => studentToken(`racer-${i}`)));
    const results = await Promise.all(tokens.map((token) => book(token, startsAt)));
    const won = results.filter((r) => !r.body.errors);
    const refused = results.filter((r) => r.body.errors).map((r) => errorOf(r));
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const error of refused) expect(error).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });
    const [row] = await bookingSql<{ n: string }>(stack, `select count(*) as n from booking where instructor_id = $1 and starts_at = $2`, [teacher.id, startsAt]);
    expect(Number(row!.n)).toBe(1);
  });

  it('overlapping lessons of different lengths raced: what is booked never overlaps, at booking or at availability', async () => {
    const starts = ['13:00', '13:15', '13:30', '13:45', '14:00', '14:15', '14:30', '15:00', '15:15'];
    const attempts = starts.flatMap((hhmm, i) => [
      { startsAt: at(3, hhmm), durationMinutes: 60, student: `mixed-${i}-a` },
      { startsAt: at(3, hhmm), durationMinutes: 30, student: `mixed-${i}-b` },
    ]);
    const results = await Promise.all(attempts.map(async (a) => book(await studentToken(a.student), a.startsAt, { durationMinutes: a.durationMinutes })));
    const won = results.filter((r) => !r.body.errors);
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const r of results.filter((x) => x.body.errors)) expect(errorOf(r)).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });
    // Booked lessons keep the buffer between them, as availability requires.
    const booked = won.map((r) => (r.body.data!.createBooking as BookingView)).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    for (let i = 1; i < booked.length; i += 1) expect(Date.parse(booked[i]!.startsAt)).toBeGreaterThanOrEqual(Date.parse(booked[i - 1]!.endsAt) + BUFFER_MINUTES * 60_000);
    expect(await overlappingActiveBookings(stack)).toBe(0);
    expect(await overlappingActiveHolds()).toBe(0);
  });
});

describe('retrying a create with an idempotency key', () => {
  it('a retry after success answers the same booking: one booking, one hold, one event', async () => {
    const token = await studentToken('retry-after-success');
    const startsAt = at(7, '09:00');
    const first = dataOf<{ createBooking: BookingView }>(await book(token, startsAt, { idempotencyKey: 'retry-key-0001' })).createBooking;
    const again = dataOf<{ createBooking: BookingView }>(await book(token, startsAt, { idempotencyKey: 'retry-key-0001' })).createBooking;
    expect(again).toEqual(first);
    const rows = await bookingSql<{ id: string }>(stack, `select id from booking where student_user_id = 'retry-after-success'`);
    expect(rows).toEqual([{ id: first.id }]);
    expect((await bookingOutbox(stack, first.id)).map((e) => e.type)).toEqual(['booking.confirmed']);
    expect(await availabilitySql(stack, `select booking_id from slot_hold where instructor_id = $1 and starts_at = $2`, [teacher.id, startsAt])).toEqual([{ booking_id: first.id }]);
  });

  it('ten concurrent calls with one key make one booking and all answer it', async () => {
    const token = await studentToken('retry-racer');
    const startsAt = at(7, '11:00');
    const results = await Promise.all(Array.from({ length: 10 }, () => book(token, startsAt, { idempotencyKey: 'racing-key-0001' })));
    const ids = results.map((r) => dataOf<{ createBooking: BookingView }>(r).createBooking.id);
    expect(new Set(ids).size).toBe(1);
    expect(await bookingSql(stack, `select id from booking where student_user_id = 'retry-racer'`)).toEqual([{ id: ids[0] }]);
    expect(await bookingOutbox(stack, ids[0])).toHaveLength(1);
  });

  it('a key used for another lesson is CONFLICT; keys are per student; a malformed key is refused; nothing extra is written', async () => {
    const token = await studentToken('retry-reuse');
    const first = dataOf<{ createBooking: BookingView }>(await book(token, at(7, '14:00'), { idempotencyKey: 'reused-key-0001' })).createBooking;
    const before = await bookingFootprint(stack);
    expect(errorOf(await book(token, at(7, '16:00'), { idempotencyKey: 'reused-key-0001' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
      details: { bookingId: first.id },
    });
    expect(errorOf(await book(token, at(7, '16:00'), { idempotencyKey: 'short' }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_IDEMPOTENCY_KEY' });
    expect(await bookingFootprint(stack)).toEqual(before);
    expect(await holdOf(first.id)).toBeDefined();
    // Another student's identical key is their own: a new booking of their own lesson.
    const other = dataOf<{ createBooking: BookingView }>(await book(await studentToken('retry-other'), at(7, '16:00'), { idempotencyKey: 'reused-key-0001' })).createBooking;
    expect(other.id).not.toBe(first.id);
  });
});

describe('failing booking: a clear reason from the calendar and nothing written', () => {
  const soon = (minutes: number) => {
    const d = new Date(Date.now() + minutes * 60_000);
    d.setUTCMinutes(Math.ceil(d.getUTCMinutes() / 15) * 15, 0, 0);
    return d.toISOString();
  };

  it.each([
    ['in the past', () => soon(-24 * 60), 'BAD_USER_INPUT', 'SLOT_IN_PAST'],
    ['inside the minimum notice', () => soon(30), 'BAD_USER_INPUT', 'INSIDE_MINIMUM_NOTICE'],
    ['beyond the booking horizon', () => soon(100 * 24 * 60), 'BAD_USER_INPUT', 'BEYOND_BOOKING_HORIZON'],
    ['outside published availability', () => at(4, '21:00'), 'CONFLICT', 'OUTSIDE_AVAILABILITY'],
  ])('refuses a lesson %s', async (_, startsAt, code, reason) => {
    const before = await bookingFootprint(stack);
    const [holds] = await availabilitySql<{ n: string }>(stack, `select count(*) as n from slot_hold`);
    const result = await book(await studentToken('student-refused'), startsAt());
    expect(errorOf(result)).toMatchObject({ code, reason });
    expect(await bookingFootprint(stack)).toEqual(before);
    const [after] = await availabilitySql<{ n: string }>(stack, `select count(*) as n from slot_hold`);
    expect(after!.n).toBe(holds!.n);
  });

  it('refuses a duration the instructor does not offer, and an offline instructor', async () => {
    const before = await bookingFootprint(stack);
    const token = await studentToken('student-refused');
    expect(errorOf(await book(token, at(4, '10:00'), { durationMinutes: 45 }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'DURATION_NOT_OFFERED',
      details: { offeredDurationsMinutes: [30, 60] },
    });
    const other = await liveInstructor(stack, { sub: `teacher-${randomUUID().slice(0, 8)}`, displayName: 'Leaving Teacher', serviceId: pianoId, ageGroups: ['ADULTS'] });
    await liveInBooking(other.id, true);
    dataOf(await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: other.token, variables: { id: other.id } }));
    await liveInBooking(other.id, false);
    expect(errorOf(await book(token, at(4, '10:00'), { instructorId: other.id }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INSTRUCTOR_NOT_LIVE' });
    expect(await bookingFootprint(stack)).toEqual(before);
  });
});

const CANCEL = `mutation($id: ID!, $reason: String) { cancelBooking(id: $id, reason: $reason) { ${BOOKING_FIELDS} } }`;

describe('lifecycle', () => {
  it('cancelling releases the slot: availability frees it on booking.cancelled and another student books it', async () => {
    const startsAt = at(5, '11:00');
    const first = await studentToken('student-cancels');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(first, startsAt));
    const second = await studentToken('student-waits');
    expect(errorOf(await book(second, startsAt))).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });

    const { cancelBooking } = dataOf<{ cancelBooking: { status: string; cancellation: { cancelledBy: string; reason: string } } }>(
      await stack.graphql(CANCEL, { token: first, variables: { id: createBooking.id, reason: 'Schedule clash' } }),
    );
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledBy: 'STUDENT', reason: 'Schedule clash' } });
    expect((await bookingOutbox(stack, createBooking.id)).map((e) => e.type)).toEqual(['booking.confirmed', 'booking.cancelled']);
    await eventually(async () => (await holdOf(createBooking.id)) === undefined, 20_000, 'the hold released at availability');

    let rebooked: GraphQLResult | undefined;
    await eventually(
      async () => {
        rebooked = await book(second, startsAt);
        return !rebooked.body.errors;
      },
      20_000,
      'the slot bookable again',
    );
    expect((rebooked!.body.data!.createBooking as BookingView).status).toBe('CONFIRMED');
  });

  it('the instructor completes a lesson after it ended; booking.completed is announced', async () => {
    const token = await studentToken('student-completes');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(5, '15:00')));
    const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { status completion { completedBy } } }`;
    expect(errorOf(await stack.graphql(COMPLETE, { token: teacher.token, variables: { id: createBooking.id } }))).toMatchObject({ reason: 'LESSON_NOT_ENDED' });
    clockOffsetMs = Date.parse(createBooking.endsAt) - Date.now() + 60_000;
    expect(dataOf<{ completeBooking: unknown }>(await stack.graphql(COMPLETE, { token: teacher.token, variables: { id: createBooking.id } })).completeBooking).toEqual({
      status: 'COMPLETED',
      completion: { completedBy: 'INSTRUCTOR' },
    });
    expect((await bookingOutbox(stack, createBooking.id)).map((e) => e.type)).toEqual(['booking.confirmed', 'booking.completed']);
  });

  it('shows the instructor their schedule and the student their upcoming lessons', async () => {
    const token = await studentToken('student-happy');
    const SCHEDULE = `query($i: ID!, $from: String!, $to: String!) { instructorSchedule(instructorId: $i, from: $from, to: $to) { id studentId startsAt } }`;
    const variables = { i: teacher.id, from: at(1, '00:00'), to: at(1, '23:59') };
    const schedule = dataOf<{ instructorSchedule: { studentId: string }[] }>(await stack.graphql(SCHEDULE, { token: teacher.token, variables })).instructorSchedule;
    expect(schedule.map((b) => b.studentId)).toEqual(['student-happy']);
    expect(errorOf(await stack.graphql(SCHEDULE, { token, variables }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SCHEDULE_OWNER' });
    const mine = dataOf<{ myBookings: { edges: { node: { startsAt: string } }[] } }>(
      await stack.graphql(`{ myBookings(when: UPCOMING) { edges { node { startsAt } } } }`, { token }),
    ).myBookings;
    expect(mine.edges.map((e) => e.node.startsAt)).toEqual([new Date(at(1, '09:00')).toISOString()]);
  });

  it('pages myBookings like every connection: first from 1 to 50, anything else refused', async () => {
    const token = await studentToken('student-happy');
    const page = (first: number) => stack.graphql(`query($first: Int) { myBookings(when: UPCOMING, first: $first) { edges { node { id } } } }`, { token, variables: { first } });
    for (const first of [0, 51, 10_000]) {
      expect(errorOf(await page(first))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE', details: { first, max: 50 } });
    }
  });
});

describe('after the hold: a create that dies or fails leaves no booking and, soon or at once, a free slot', () => {
  const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

  it('a hold whose booking was never written (the process died after holding) blocks the slot only until it expires', async () => {
    const startsAt = at(6, '10:00');
    const client = holdClient(stack);
    try {
      const crashed = randomUUID();
      await client.post<HoldAnswer>('/internal/holds/hold', { bookingId: crashed, instructorId: teacher.id, startsAt, endsAt: plusMinutes(startsAt, 60) });
      const token = await studentToken('student-after-crash');
      expect(errorOf(await book(token, startsAt))).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });
      expect(await bookingSql(stack, `select 1 from booking where id = $1`, [crashed])).toHaveLength(0);

      calendarOffsetMs = (HOLD_TTL_SECONDS + 1) * 1000;
      const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, startsAt));
      expect(createBooking.status).toBe('CONFIRMED');
      expect(await holdOf(crashed)).toBeUndefined();
      await eventually(async () => (await holdOf(createBooking.id))?.status === 'CONFIRMED', 20_000, 'the new hold confirmed at availability');
      expect(await overlappingActiveHolds()).toBe(0);
    } finally {
      client.close();
    }
  });

  it('the instructor going offline between the hold and the transaction: refused as offline, nothing written, the hold released', async () => {
    const sub = `teacher-${randomUUID().slice(0, 8)}`;
    const other = await liveInstructor(stack, { sub, displayName: 'Vanishing Teacher', serviceId: pianoId, ageGroups: ['ADULTS'] });
    await liveInBooking(other.id, true);
    await waitForCalendar(stack, other.id);
    await publishWeek(stack, other.token, other.id, monday.toISODate()!, WHOLE_DAYS);
    // The real hold, then an instructor event taking them offline reaches booking's read model.
    const holds: SlotHolds = {
      async hold(request) {
        const held = await bookingParts.holds.hold(request);
        const offline = instructorStateEvent({ instructorId: other.id, userId: sub, revision: (await bookingReadModelRevision(stack, other.id)) + 1, isLive: false, services: [{ serviceId: pianoId }] });
        await publishInstructorEvents(stack, [offline]);
        await bookingProcessed(stack, [offline]);
        return held;
      },
      release: (bookingId) => bookingParts.holds.release(bookingId),
    };
    const creation = new BookingCreation(bookingParts.repository, holds, bookingParts.clock, stack.deps.booking!.logger);
    const startsAt = at(6, '12:00');
    const before = await bookingFootprint(stack);
    await expect(
      creation.createBooking({ userId: 'student-late', roles: ['student'], requestId: randomUUID() }, { instructorId: other.id, serviceId: pianoId, startsAt, durationMinutes: 60, lessonMode: 'online' }),
    ).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE', apiCode: 'BAD_USER_INPUT' });
    expect(await bookingFootprint(stack)).toEqual(before);
    expect(await availabilitySql(stack, `select booking_id from slot_hold where instructor_id = $1`, [other.id])).toEqual([]);
    // The slot is bookable again at availability.
    const client = holdClient(stack);
    try {
      const bookingId = randomUUID();
      expect(await client.post<HoldAnswer>('/internal/holds/hold', { bookingId, instructorId: other.id, startsAt, endsAt: plusMinutes(startsAt, 60) })).toMatchObject({ status: 'HELD' });
      await client.post('/internal/holds/release', { bookingId });
    } finally {
      client.close();
    }
  });

  it('a booking that overlaps an active one in booking (its own constraint) is refused and its hold released', async () => {
    const existing = at(6, '15:00');
    await insertBookingRow(stack, { instructorId: teacher.id, instructorUserId: teacherSub, studentId: 'student-first', serviceId: pianoId, startsAt: new Date(existing) });
    const startsAt = plusMinutes(existing, 30);
    const before = await bookingFootprint(stack);
    expect(errorOf(await book(await studentToken('student-second'), startsAt, { durationMinutes: 30 }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SLOT_UNAVAILABLE',
      details: { instructorId: teacher.id, startsAt: new Date(startsAt).toISOString(), endsAt: plusMinutes(startsAt, 30) },
    });
    expect(await bookingFootprint(stack)).toEqual(before);
    expect(await availabilitySql(stack, `select booking_id from slot_hold where instructor_id = $1 and starts_at = $2`, [teacher.id, startsAt])).toEqual([]);
    expect(await overlappingActiveBookings(stack)).toBe(0);
  });
});
