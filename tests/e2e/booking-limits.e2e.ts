import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { DateTime } from 'luxon';
import { availabilitySql, BOOKING_FIELDS, bookingFootprint, bookingSql, CREATE_BOOKING, dataOf, emulatorWorld, ensureBucket, errorOf, eventually, type GraphQLResult, insertBookingRow, liveInstructor, outboxEvents, publishWeek, removeUploadsOf, type RunningWorkers, s3Client, serviceIdsByName, startStack, type TestInstructor, type TestStack, waitForReadModel, withPeers } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { createBookingModule, type BookingModule } from '../../services/booking/src/module';
import { availabilityBuilder, startAvailabilityWorkers } from '../support/availability';
import { startBookingPipeline } from '../support/booking';
import { bookingConfigFor, payableInstructors, payingGraphql, savedCards } from '../support/payments';

/**
 * The abuse limit on createBooking: at most BOOKING_MAX_UPCOMING_PER_STUDENT active upcoming
 * bookings per student (3 here, 20 by default), through the real gateway over the instructor,
 * catalog, availability and booking subgraphs with their workers in-process.
 */

const LIMIT = 3;
const ZONE = 'America/New_York';

let stack: TestStack;
let s3: S3Client;
let bookingParts: BookingModule;
let availabilityWorkers: RunningWorkers;
let bookingPipeline: { stop(): Promise<void> };
let teacher: TestInstructor;
let pianoId: string;
/** The Monday (in the instructor's zone) of a week two weeks ahead, fully published 08:00–20:00. */
let monday: DateTime;
const world = emulatorWorld();

beforeAll(async () => {
  stack = await startStack({
    catalog: (deps) => createCatalogModule(deps).subgraph(),
    instructor: (deps) => createInstructorModule(deps).subgraph(),
    availability: availabilityBuilder(),
    booking: withPeers((deps, peers) => {
      bookingParts = createBookingModule(deps, {
        config: bookingConfigFor(world, {
          availability: { url: peers.baseUrlOf('availability'), timeoutMs: 5000 },
          autoCompleteAfterMinutes: 1440,
          jobIntervalMs: 30_000,
          maxUpcomingPerStudent: LIMIT,
        }),
      });
      return bookingParts.subgraph();
    }),
  });
  await createCatalogModule(stack.deps.catalog!).seed();
  stack.graphql = payingGraphql(stack, savedCards(stack, world));
  s3 = s3Client();
  await ensureBucket(s3);
  availabilityWorkers = await startAvailabilityWorkers(stack);
  bookingPipeline = await startBookingPipeline(stack, bookingParts, { instructorRelay: false });
  pianoId = (await serviceIdsByName(stack)).Piano!;
  teacher = await liveInstructor(stack, { sub: `teacher-${randomUUID().slice(0, 8)}`, displayName: 'Limits Teacher', serviceId: pianoId, ageGroups: ['ADULTS'] });
  await eventually(
    async () => (await bookingSql<{ is_live: boolean }>(stack, `select is_live from instructor_offering where instructor_id = $1`, [teacher.id]))[0]?.is_live === true,
    20_000,
    'booking to see the instructor live',
  );
  await waitForReadModel(stack, 'availability', teacher.id);
  await payableInstructors(world, bookingParts, [teacher.id]);
  monday = DateTime.now().setZone(ZONE).plus({ weeks: 2 }).startOf('week');
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((dayOfWeek) => ({ dayOfWeek, startTime: '08:00', endTime: '20:00' }));
  await publishWeek(stack, teacher.token, teacher.id, monday.toISODate()!, everyDay);
}, 120_000);

afterAll(async () => {
  await bookingPipeline?.stop();
  await availabilityWorkers?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

/** Free hour-long lessons of the published week, two hours apart (buffers never touch); each test takes its own. */
let slotsTaken = 0;
function nextSlot(): string {
  const day = Math.floor(slotsTaken / 6);
  const hour = 8 + (slotsTaken % 6) * 2;
  slotsTaken += 1;
  return monday.plus({ days: day }).set({ hour }).toUTC().toISO()!;
}

const studentToken = (sub: string) => stack.token({ sub, roles: ['student'] });

function book(token: string, startsAt: string, overrides: Record<string, unknown> = {}): Promise<GraphQLResult> {
  return stack.graphql(CREATE_BOOKING, {
    token,
    variables: { input: { instructorId: teacher.id, serviceId: pianoId, startsAt, durationMinutes: 60, lessonMode: 'ONLINE', ...overrides } },
  });
}

async function booked(token: string, startsAt: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; status: string }> {
  return dataOf<{ createBooking: { id: string; status: string } }>(await book(token, startsAt, overrides)).createBooking;
}

/** The refusal of one booking too many, with what booking counted. */
const AT_LIMIT = { code: 'RATE_LIMITED', reason: 'UPCOMING_BOOKINGS_LIMIT', details: { limit: LIMIT, upcoming: LIMIT } };

/** The lessons availability would still accept in the published week. */
async function freeSlots(token: string): Promise<string[]> {
  const BOOKABLE = `query($id: ID!, $from: String!, $to: String!, $tz: String) { bookableSlots(instructorId: $id, durationMinutes: 60, from: $from, to: $to, timezone: $tz) { startsAt } }`;
  const variables = { id: teacher.id, from: monday.toISODate(), to: monday.plus({ days: 6 }).toISODate(), tz: ZONE };
  return dataOf<{ bookableSlots: { startsAt: string }[] }>(await stack.graphql(BOOKABLE, { token, variables })).bookableSlots.map((s) => s.startsAt);
}

const holdsOfInstructor = async () => (await availabilitySql(stack, `select booking_id from slot_hold where instructor_id = $1`, [teacher.id])).length;
const bookingsOf = async (studentId: string) => (await bookingSql(stack, `select id from booking where student_user_id = $1`, [studentId])).length;

/** A booking row of the student with another instructor (never in the way of the teacher's slots), starting `minutesFromNow` from now (negative: before now). */
async function bookingRowOf(studentId: string, minutesFromNow: number, durationMinutes = 60, status: 'REQUESTED' | 'CONFIRMED' = 'CONFIRMED'): Promise<string> {
  const startsAt = new Date(Date.now() + minutesFromNow * 60_000);
  return insertBookingRow(stack, { instructorId: randomUUID(), instructorUserId: 'teacher-elsewhere', studentId, serviceId: pianoId, startsAt, durationMinutes, status });
}

const CANCEL = `mutation($id: ID!) { cancelBooking(id: $id) { ${BOOKING_FIELDS} } }`;

describe('upcoming bookings per student', () => {
  it('one create after another stops exactly at the limit; the next is RATE_LIMITED before any hold, and nothing is written', async () => {
    const token = await studentToken('limits-sequential');
    for (let i = 0; i < LIMIT; i += 1) expect((await booked(token, nextSlot())).status).toBe('CONFIRMED');

    const startsAt = nextSlot();
    const footprint = await bookingFootprint(stack);
    const holds = await holdsOfInstructor();
    const free = await freeSlots(token);
    expect(free).toContain(new Date(startsAt).toISOString());
    const holdRequests = jest.spyOn(bookingParts.holds, 'hold');
    try {
      const refused = await book(token, startsAt);
      expect(refused.body.data).toBeNull();
      expect(errorOf(refused)).toEqual(AT_LIMIT);
      expect(holdRequests).not.toHaveBeenCalled();
    } finally {
      holdRequests.mockRestore();
    }
    expect(await bookingFootprint(stack)).toEqual(footprint);
    expect(await bookingsOf('limits-sequential')).toBe(LIMIT);
    expect(await holdsOfInstructor()).toBe(holds);
    expect(await freeSlots(token)).toEqual(free);

    // The limit is the student's own: another student books that very slot.
    expect((await booked(await studentToken('limits-neighbour'), startsAt)).status).toBe('CONFIRMED');
  });

  it('cancelling an upcoming booking frees a place for the next create', async () => {
    const token = await studentToken('limits-cancel');
    const first = await booked(token, nextSlot());
    for (let i = 1; i < LIMIT; i += 1) await booked(token, nextSlot());
    expect(errorOf(await book(token, nextSlot()))).toEqual(AT_LIMIT);

    expect(dataOf<{ cancelBooking: { status: string } }>(await stack.graphql(CANCEL, { token, variables: { id: first.id } })).cancelBooking.status).toBe('CANCELLED');
    expect((await booked(token, nextSlot())).status).toBe('CONFIRMED');
    expect(errorOf(await book(token, nextSlot()))).toEqual(AT_LIMIT);
    expect(await bookingsOf('limits-cancel')).toBe(LIMIT + 1);
  });

  it('a retry with the idempotency key of a booking already made answers that booking at the limit; a new lesson is refused', async () => {
    const token = await studentToken('limits-retry');
    for (let i = 1; i < LIMIT; i += 1) await booked(token, nextSlot());
    const startsAt = nextSlot();
    const made = dataOf<{ createBooking: unknown }>(await book(token, startsAt, { idempotencyKey: 'limits-retry-0001' })).createBooking;

    const retry = await book(token, startsAt, { idempotencyKey: 'limits-retry-0001' });
    expect(dataOf<{ createBooking: unknown }>(retry).createBooking).toEqual(made);
    expect(errorOf(await book(token, nextSlot(), { idempotencyKey: 'limits-retry-0002' }))).toEqual(AT_LIMIT);
    expect(await bookingsOf('limits-retry')).toBe(LIMIT);
    expect((await outboxEvents(stack, 'booking', (made as { id: string }).id)).map((e) => e.type)).toEqual(['booking.confirmed']);
  });

  it('past, ended, completed and cancelled bookings do not count', async () => {
    const student = 'limits-history';
    await bookingRowOf(student, -30 * 60);
    await bookingRowOf(student, -61); // ended a minute ago, not completed yet
    const completed = await bookingRowOf(student, -3 * 60);
    const cancelled = await bookingRowOf(student, 48 * 60);
    await bookingSql(stack, `update booking set status = 'COMPLETED', completed_by = 'INSTRUCTOR', completed_at = now() where id = $1`, [completed]);
    await bookingSql(stack, `update booking set status = 'CANCELLED', cancelled_by = 'STUDENT', cancelled_at = now() where id = $1`, [cancelled]);

    const token = await studentToken(student);
    for (let i = 0; i < LIMIT; i += 1) expect((await booked(token, nextSlot())).status).toBe('CONFIRMED');
    expect(errorOf(await book(token, nextSlot()))).toEqual(AT_LIMIT);
  });

  it('a lesson in progress and a reserved (REQUESTED) booking count until they end', async () => {
    const student = 'limits-in-progress';
    await bookingRowOf(student, -235, 240); // the longest lesson, started almost four hours ago
    await bookingRowOf(student, 72 * 60, 60, 'REQUESTED');
    const token = await studentToken(student);
    expect((await booked(token, nextSlot())).status).toBe('CONFIRMED');
    expect(errorOf(await book(token, nextSlot()))).toEqual(AT_LIMIT);
  });
});
