import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { InternalClient } from '@instainstru/platform';
import { BookingCreation } from '../../services/booking/src/domain/booking-creation.service';
import type { NewBooking } from '../../services/booking/src/domain/booking.types';
import { AvailabilitySlotHolds } from '../../services/booking/src/infra/availability.client';
import { buildBookingServer, createBookingModule, type BookingModule } from '../../services/booking/src/server';
import {
  BOOKING_FIELDS,
  CREATE_BOOKING,
  bookingFootprint,
  bookingOutbox,
  bookingProcessed,
  bookingReadModelRevision,
  bookingSql,
  hoursFromNow,
  insertBookingRow,
  instructorStateEvent,
  publishInstructorEvents,
  startBookingPipeline,
} from '../support/booking';
import { dataOf, errorOf } from '../support/instructor';
import { startStack, type TestStack } from '../support/stack';

/**
 * Booking on real Postgres and Kafka: the instructor read model, every refusal of createBooking
 * (no hold asked, nothing written), availability failing to answer (the hold released, nothing
 * written), the exclusion constraint, lifecycle transitions and their races, and the read queries.
 * Holding a slot for real is covered end to end with the availability service
 * (tests/e2e/booking-*.e2e.ts); here availability is either unreachable or a listener that never
 * answers a hold.
 */

const SERVICE = randomUUID();
const OTHER_SERVICE = randomUUID();
const TEACHER = 'teacher-int-1';
const instructorId = randomUUID();
const offlineInstructorId = randomUUID();
/** An instructor whose read-model row a test locks and changes. */
const lockedInstructorId = randomUUID();

/** A listener on availability's internal paths that never answers a hold and answers releases when told to. */
class SilentCalendar {
  readonly released: string[] = [];
  /** Booking ids of the holds asked for (never answered). */
  readonly holdsAsked: string[] = [];
  answerReleases = true;
  private readonly pending: ServerResponse[] = [];
  readonly server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/internal/holds/release' && this.answerReleases) {
        this.released.push((JSON.parse(body) as { bookingId: string }).bookingId);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { released: true } }));
      } else {
        if (req.url === '/internal/holds/hold') this.holdsAsked.push((JSON.parse(body) as { bookingId: string }).bookingId);
        this.pending.push(res);
      }
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.pending) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** An address nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let stack: TestStack;
let bookingModule: BookingModule;
let pipeline: { stop(): Promise<void> };
const calendar = new SilentCalendar();
/** The service's clock runs this far ahead of the real one (to complete lessons that have not happened). */
let clockOffsetMs = 0;

beforeAll(async () => {
  const calendarUrl = await calendar.start();
  stack = await startStack({
    booking: (deps) => {
      bookingModule = createBookingModule(deps, {
        config: { availability: { url: calendarUrl, timeoutMs: 300 }, autoCompleteAfterMinutes: 1440, jobIntervalMs: 60_000 },
        clock: () => new Date(Date.now() + clockOffsetMs),
      });
      return buildBookingServer(deps, bookingModule);
    },
  });
  pipeline = await startBookingPipeline(stack);
  const events = [
    instructorStateEvent({ instructorId, userId: TEACHER, revision: 2, services: [{ serviceId: SERVICE, durationsMinutes: [60, 30], lessonModes: ['online'] }] }),
    instructorStateEvent({ instructorId: offlineInstructorId, revision: 1, isLive: false, services: [{ serviceId: SERVICE }] }),
    instructorStateEvent({ instructorId: lockedInstructorId, userId: 'teacher-int-locked', revision: 1, services: [{ serviceId: SERVICE, durationsMinutes: [60], lessonModes: ['online'] }] }),
  ];
  await publishInstructorEvents(stack, events);
  await bookingProcessed(stack, events);
});

afterAll(async () => {
  await pipeline?.stop();
  await stack?.stop();
  await calendar.stop();
});

afterEach(() => {
  clockOffsetMs = 0;
});

const as = (sub: string, roles: string[]) => stack.token({ sub, roles });
const student = (sub = 'student-int-1') => as(sub, ['student']);

const createInput = (overrides: Record<string, unknown> = {}) => ({
  instructorId,
  serviceId: SERVICE,
  startsAt: hoursFromNow(48).toISOString(),
  durationMinutes: 60,
  lessonMode: 'ONLINE',
  ...overrides,
});

describe('booking read model from instructor events', () => {
  it('keeps the newest revision of each instructor and ignores older ones', async () => {
    const id = randomUUID();
    const r2 = instructorStateEvent({ instructorId: id, revision: 2, isLive: true, services: [{ serviceId: SERVICE }] });
    const r1 = instructorStateEvent({ instructorId: id, revision: 1, isLive: false, services: [] });
    await publishInstructorEvents(stack, [r2, r1]);
    await bookingProcessed(stack, [r2, r1]);
    const [row] = await bookingSql<{ is_live: boolean; revision: number; user_id: string; offered_services: { serviceId: string; lessonModes: string[] }[] }>(
      stack,
      `select is_live, revision, user_id, offered_services from instructor_offering where instructor_id = $1`,
      [id],
    );
    expect(row).toMatchObject({ is_live: true, revision: 2, user_id: `teacher-${id.slice(0, 8)}` });
    expect(row!.offered_services).toEqual([{ serviceId: SERVICE, hourlyRate: { amountMinor: 6500, currency: 'USD' }, durationsMinutes: [60, 30], lessonModes: ['online'] }]);

    const r3 = instructorStateEvent({ instructorId: id, revision: 3, isLive: false, services: [{ serviceId: SERVICE }] });
    await publishInstructorEvents(stack, [r3]);
    await bookingProcessed(stack, [r3]);
    expect(await bookingReadModelRevision(stack, id)).toBe(3);
  });
});

describe('failing createBooking: a clear reason, no hold asked and nothing written', () => {
  const cases: [string, () => Promise<string | undefined>, Record<string, unknown>, string, string][] = [
    ['not signed in', async () => undefined, {}, 'UNAUTHENTICATED', 'SIGN_IN_REQUIRED'],
    ['an instructor account books', () => as('someone', ['instructor']), {}, 'FORBIDDEN', 'STUDENT_ROLE_REQUIRED'],
    ['a local time without offset', () => student(), { startsAt: '2031-05-04T14:00:00' }, 'BAD_USER_INPUT', 'INVALID_START_TIME'],
    ['an unknown instructor', () => student(), { instructorId: randomUUID() }, 'NOT_FOUND', 'INSTRUCTOR_NOT_FOUND'],
    ['a malformed instructor id', () => student(), { instructorId: 'nope' }, 'NOT_FOUND', 'INSTRUCTOR_NOT_FOUND'],
    ['an offline instructor', () => student(), { instructorId: offlineInstructorId }, 'BAD_USER_INPUT', 'INSTRUCTOR_NOT_LIVE'],
    ['a service not offered', () => student(), { serviceId: OTHER_SERVICE }, 'BAD_USER_INPUT', 'SERVICE_NOT_OFFERED'],
    ['a duration not offered', () => student(), { durationMinutes: 45 }, 'BAD_USER_INPUT', 'DURATION_NOT_OFFERED'],
    ['an impossible duration', () => student(), { durationMinutes: 7 }, 'BAD_USER_INPUT', 'INVALID_DURATION'],
    ['a lesson mode not offered', () => student(), { lessonMode: 'AT_STUDENT_PLACE' }, 'BAD_USER_INPUT', 'LESSON_MODE_NOT_OFFERED'],
    ['the instructor booking themself', () => as(TEACHER, ['student', 'instructor']), {}, 'BAD_USER_INPUT', 'CANNOT_BOOK_SELF'],
    ['notes over 1000 characters', () => student(), { notes: 'x'.repeat(1001) }, 'BAD_USER_INPUT', 'NOTES_TOO_LONG'],
  ];

  it.each(cases)('refuses %s', async (_, token, input, code, reason) => {
    const before = await bookingFootprint(stack);
    const holdsAsked = calendar.holdsAsked.length;
    const result = await stack.graphql(CREATE_BOOKING, { token: await token(), variables: { input: createInput(input) } });
    expect(errorOf(result)).toMatchObject({ code, reason });
    expect(await bookingFootprint(stack)).toEqual(before);
    expect(calendar.holdsAsked).toHaveLength(holdsAsked);
  });
});

describe('when availability does not answer', () => {
  it('answers SERVICE_UNAVAILABLE when availability cannot be reached, and writes nothing', async () => {
    const holds = new AvailabilitySlotHolds(new InternalClient({ from: 'booking', to: 'availability', baseUrl: await closedPortUrl(), signingSecret: stack.signingSecret, timeoutMs: 500 }));
    const creation = new BookingCreation(bookingModule.repository, holds, () => new Date(), stack.deps.booking!.logger);
    const before = await bookingFootprint(stack);
    await expect(
      creation.createBooking({ userId: 'student-int-2', roles: ['student'], requestId: randomUUID() }, { ...createInput(), lessonMode: 'online' }),
    ).rejects.toMatchObject({ code: 'AVAILABILITY_UNAVAILABLE', apiCode: 'SERVICE_UNAVAILABLE' });
    expect(await bookingFootprint(stack)).toEqual(before);
    holds.close();
  });

  it('releases the hold it asked for and writes nothing when the hold times out', async () => {
    const before = await bookingFootprint(stack);
    const result = await stack.graphql(CREATE_BOOKING, { token: await student(), variables: { input: createInput({ startsAt: hoursFromNow(60).toISOString() }) } });
    expect(errorOf(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'AVAILABILITY_UNAVAILABLE' });
    expect(await bookingFootprint(stack)).toEqual(before);
    expect(calendar.released).toEqual([calendar.holdsAsked.at(-1)]);
  });

  it('writes nothing even when the release fails too (an unconfirmed hold expires at availability)', async () => {
    calendar.answerReleases = false;
    const before = await bookingFootprint(stack);
    const result = await stack.graphql(CREATE_BOOKING, { token: await student(), variables: { input: createInput({ startsAt: hoursFromNow(72).toISOString() }) } });
    calendar.answerReleases = true;
    expect(errorOf(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'AVAILABILITY_UNAVAILABLE' });
    expect(await bookingFootprint(stack)).toEqual(before);
  });
});

describe("booking's transaction after the hold re-checks every rule against the read model", () => {
  /** A booking as createBooking made it from the read model, before its transaction. */
  const held = (hours: number, overrides: Partial<NewBooking> = {}): NewBooking => {
    const startsAt = hoursFromNow(hours);
    return {
      id: randomUUID(),
      instructorId,
      instructorUserId: TEACHER,
      studentId: 'student-tx',
      serviceId: SERVICE,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * 60_000),
      durationMinutes: 60,
      lessonMode: 'online',
      price: { amountMinor: 6500, currency: 'USD' },
      notes: null,
      ...overrides,
    };
  };

  it('writes the booking CONFIRMED and booking.confirmed together while the read model is at the revision checked', async () => {
    const b = held(24 * 25);
    const booking = await bookingModule.creation.bookHeldSlot(b, 2);
    expect(booking).toMatchObject({ id: b.id, status: 'CONFIRMED', studentId: 'student-tx', startsAt: b.startsAt.toISOString(), price: { amountMinor: 6500, currency: 'USD' } });
    expect(booking.confirmedAt).toBe(booking.createdAt);
    // The answer is the booking exactly as it reads back.
    expect(await bookingModule.repository.findById(b.id)).toEqual(booking);
    const [row] = await bookingSql<{ status: string; confirmed_at: Date }>(stack, `select status, confirmed_at from booking where id = $1`, [b.id]);
    expect(row).toEqual({ status: 'CONFIRMED', confirmed_at: new Date(booking.confirmedAt!) });
    const events = await bookingOutbox(stack, b.id);
    expect(events.map((e) => e.type)).toEqual(['booking.confirmed']);
    expect(events[0]!.payload).toMatchObject({ bookingId: b.id, status: 'CONFIRMED', startsAt: booking.startsAt, endsAt: booking.endsAt, price: { amountMinor: 6500, currency: 'USD' } });
  });

  it('when the read model moved on, checks the rules again against the locked row: its price, and an offline instructor books nothing', async () => {
    // Made from an older revision at another rate: the current terms decide.
    const b = held(24 * 26, { price: { amountMinor: 1, currency: 'USD' } });
    const booking = await bookingModule.creation.bookHeldSlot(b, 1);
    expect(booking.price).toEqual({ amountMinor: 6500, currency: 'USD' });
    expect((await bookingOutbox(stack, b.id))[0]!.payload).toMatchObject({ price: { amountMinor: 6500, currency: 'USD' } });

    const before = await bookingFootprint(stack);
    await expect(bookingModule.creation.bookHeldSlot(held(24 * 27, { instructorId: offlineInstructorId }), 0)).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE' });
    await expect(bookingModule.creation.bookHeldSlot(held(24 * 27, { instructorId: randomUUID() }), 1)).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_FOUND' });
    expect(await bookingFootprint(stack)).toEqual(before);
  });

  it('answers SLOT_UNAVAILABLE and writes nothing when the booking overlaps an active one', async () => {
    const first = held(24 * 28);
    await bookingModule.creation.bookHeldSlot(first, 2);
    const before = await bookingFootprint(stack);
    const overlapping = held(24 * 28, { startsAt: new Date(first.startsAt.getTime() + 30 * 60_000), endsAt: new Date(first.startsAt.getTime() + 60 * 60_000), durationMinutes: 30 });
    await expect(bookingModule.creation.bookHeldSlot({ ...overlapping, price: { amountMinor: 3250, currency: 'USD' } }, 2)).rejects.toMatchObject({
      code: 'SLOT_UNAVAILABLE',
      apiCode: 'CONFLICT',
      details: { instructorId, startsAt: overlapping.startsAt.toISOString(), endsAt: overlapping.endsAt.toISOString() },
    });
    // The same when the read model moved on since the booking was made (the rules checked again first).
    await expect(bookingModule.creation.bookHeldSlot({ ...overlapping, id: randomUUID() }, 1)).rejects.toMatchObject({ code: 'SLOT_UNAVAILABLE' });
    expect(await bookingFootprint(stack)).toEqual(before);
  });

  it('runs creates for one instructor side by side, but makes them wait for a read-model update in flight and obey it', async () => {
    const other = new pg.Client({ connectionString: stack.db.urlFor('booking') });
    await other.connect();
    const outcome = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'booked', (e: { code?: string }) => e.code), sleep(ms).then(() => 'still waiting')]);
    try {
      // Another create's transaction holds its lock on the instructor's row: this one does not wait for it.
      await other.query('begin');
      await other.query(`select 1 from instructor_offering where instructor_id = $1 for share`, [lockedInstructorId]);
      const alongside = held(24 * 29, { instructorId: lockedInstructorId, instructorUserId: 'teacher-int-locked' });
      expect(await outcome(bookingModule.creation.bookHeldSlot(alongside, 1), 5_000)).toBe('booked');
      await other.query('rollback');

      // The read model taking the instructor offline, not yet committed: a create waits, then obeys it.
      await other.query('begin');
      await other.query(`update instructor_offering set is_live = false, revision = 2 where instructor_id = $1`, [lockedInstructorId]);
      const before = await bookingFootprint(stack);
      const waiting = bookingModule.creation.bookHeldSlot(held(24 * 30, { instructorId: lockedInstructorId, instructorUserId: 'teacher-int-locked' }), 1);
      expect(await outcome(waiting, 500)).toBe('still waiting');
      await other.query('commit');
      await expect(waiting).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE' });
      expect(await bookingFootprint(stack)).toEqual(before);
    } finally {
      await other.end();
    }
  });
});

describe('the database refuses overlapping active bookings of one instructor', () => {
  const insert = (startsAt: Date, minutes: number, who = instructorId) =>
    insertBookingRow(stack, { instructorId: who, instructorUserId: TEACHER, studentId: 's-x', serviceId: SERVICE, startsAt, durationMinutes: minutes });

  it('conflicts on overlap, allows back-to-back lessons, other instructors and cancelled bookings', async () => {
    const start = hoursFromNow(24 * 20);
    const first = await insert(start, 60);
    await expect(insert(new Date(start.getTime() + 30 * 60_000), 30)).rejects.toMatchObject({ code: '23P01' });
    await expect(insert(new Date(start.getTime() - 30 * 60_000), 90)).rejects.toMatchObject({ code: '23P01' });
    await insert(new Date(start.getTime() + 60 * 60_000), 30);
    await insert(start, 60, offlineInstructorId);
    await bookingSql(stack, `update booking set status = 'CANCELLED', cancelled_by = 'ADMIN', cancelled_at = now() where id = $1`, [first]);
    await insert(start, 30);
  });
});

const CANCEL = `mutation($id: ID!, $reason: String) { cancelBooking(id: $id, reason: $reason) { ${BOOKING_FIELDS} } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { ${BOOKING_FIELDS} } }`;
const NO_SHOW = `mutation($id: ID!) { markNoShow(id: $id) { ${BOOKING_FIELDS} } }`;
const BOOKING = `query($id: ID!) { booking(id: $id) { ${BOOKING_FIELDS} } }`;

describe('lifecycle transitions', () => {
  const confirmedBooking = (hours: number, studentId = 'student-life') =>
    insertBookingRow(stack, { instructorId, instructorUserId: TEACHER, studentId, serviceId: SERVICE, startsAt: hoursFromNow(hours), notes: 'bring the Czerny book' });

  it('the student cancels before the start: recorded, announced, and only once', async () => {
    const id = await confirmedBooking(100);
    const token = await student('student-life');
    const { cancelBooking } = dataOf<{ cancelBooking: Record<string, unknown> }>(await stack.graphql(CANCEL, { token, variables: { id, reason: '  feeling ill ' } }));
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledBy: 'STUDENT', reason: 'feeling ill' } });
    const events = await bookingOutbox(stack, id);
    expect(events.map((e) => e.type)).toEqual(['booking.cancelled']);
    expect(events[0]!.payload).toMatchObject({ bookingId: id, status: 'CANCELLED', cancelledBy: 'STUDENT', reason: 'feeling ill', instructorId, studentUserId: 'student-life' });

    expect(errorOf(await stack.graphql(CANCEL, { token, variables: { id } }))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', details: { status: 'CANCELLED' } });
    expect(await bookingOutbox(stack, id)).toHaveLength(1);
  });

  it('the instructor cancels (INSTRUCTOR); nobody but an admin cancels after the start', async () => {
    const id = await confirmedBooking(101);
    const teacher = await as(TEACHER, ['instructor']);
    expect(dataOf<{ cancelBooking: { cancellation: { cancelledBy: string } } }>(await stack.graphql(CANCEL, { token: teacher, variables: { id } })).cancelBooking.cancellation.cancelledBy).toBe('INSTRUCTOR');

    const started = await confirmedBooking(102);
    clockOffsetMs = 102.5 * 3_600_000;
    expect(errorOf(await stack.graphql(CANCEL, { token: await student('student-life'), variables: { id: started } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_ALREADY_STARTED' });
    const admin = await as('admin-1', ['admin']);
    expect(dataOf<{ cancelBooking: { cancellation: { cancelledBy: string } } }>(await stack.graphql(CANCEL, { token: admin, variables: { id: started } })).cancelBooking.cancellation.cancelledBy).toBe('ADMIN');
  });

  it('a third party can neither see nor change a booking; the student cannot complete it', async () => {
    const id = await confirmedBooking(103);
    const stranger = await student('someone-else');
    expect(errorOf(await stack.graphql(BOOKING, { token: stranger, variables: { id } }))).toMatchObject({ code: 'NOT_FOUND', reason: 'BOOKING_NOT_FOUND' });
    expect(errorOf(await stack.graphql(CANCEL, { token: stranger, variables: { id } }))).toMatchObject({ code: 'NOT_FOUND', reason: 'BOOKING_NOT_FOUND' });
    clockOffsetMs = 105 * 3_600_000;
    expect(errorOf(await stack.graphql(COMPLETE, { token: await student('student-life'), variables: { id } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_BOOKING_INSTRUCTOR' });
    expect(await bookingOutbox(stack, id)).toEqual([]);
  });

  it('the instructor completes only after the lesson ended, and marks a no-show only after the start', async () => {
    const teacher = await as(TEACHER, ['instructor']);
    const lesson = await confirmedBooking(110);
    expect(errorOf(await stack.graphql(COMPLETE, { token: teacher, variables: { id: lesson } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_ENDED' });
    clockOffsetMs = 111.5 * 3_600_000;
    const { completeBooking } = dataOf<{ completeBooking: Record<string, unknown> }>(await stack.graphql(COMPLETE, { token: teacher, variables: { id: lesson } }));
    expect(completeBooking).toMatchObject({ status: 'COMPLETED', completion: { completedBy: 'INSTRUCTOR' } });
    expect((await bookingOutbox(stack, lesson)).map((e) => [e.type, (e.payload as { completedBy: string }).completedBy])).toEqual([['booking.completed', 'INSTRUCTOR']]);

    clockOffsetMs = 0;
    const missed = await confirmedBooking(120);
    expect(errorOf(await stack.graphql(NO_SHOW, { token: teacher, variables: { id: missed } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_STARTED' });
    clockOffsetMs = 120.25 * 3_600_000;
    const { markNoShow } = dataOf<{ markNoShow: { status: string; noShowMarkedAt: string } }>(await stack.graphql(NO_SHOW, { token: teacher, variables: { id: missed } }));
    expect(markNoShow.status).toBe('NO_SHOW');
    expect((await bookingOutbox(stack, missed)).map((e) => e.type)).toEqual(['booking.no-show']);
  });

  it('of a racing cancel and complete exactly one wins; the other is told INVALID_TRANSITION', async () => {
    const teacher = await as(TEACHER, ['instructor']);
    const admin = await as('admin-1', ['admin']);
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => confirmedBooking(130 + i * 2)));
    clockOffsetMs = 150 * 3_600_000;
    for (const id of ids) {
      const [cancel, complete] = await Promise.all([stack.graphql(CANCEL, { token: admin, variables: { id } }), stack.graphql(COMPLETE, { token: teacher, variables: { id } })]);
      const outcomes = [cancel, complete].map((r) => (r.body.errors ? (errorOf(r)!.reason as string) : 'won'));
      expect(outcomes.sort()).toEqual(['INVALID_TRANSITION', 'won']);
      expect(await bookingOutbox(stack, id)).toHaveLength(1);
    }
  });

  it('auto-completes confirmed lessons that ended more than the configured time ago, by SYSTEM', async () => {
    const ended = await confirmedBooking(200);
    const recent = await confirmedBooking(230);
    clockOffsetMs = 231 * 3_600_000 + 30 * 60_000;
    expect(await bookingModule.lifecycle.autoCompleteEndedBookings(1440)).toBeGreaterThanOrEqual(1);
    const rows = await bookingSql<{ id: string; status: string; completed_by: string | null }>(stack, `select id, status, completed_by from booking where id = any($1::uuid[])`, [[ended, recent]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.completed_by]]))).toEqual({ [ended]: ['COMPLETED', 'SYSTEM'], [recent]: ['CONFIRMED', null] });
    expect((await bookingOutbox(stack, ended)).map((e) => [e.type, (e.payload as { completedBy: string }).completedBy])).toEqual([['booking.completed', 'SYSTEM']]);
  });
});

describe('reading bookings', () => {
  const MY = `query($when: BookingWhen!, $first: Int, $after: String) { myBookings(when: $when, first: $first, after: $after) { edges { cursor node { id startsAt notes } } pageInfo { hasNextPage endCursor } } }`;
  type Page = { edges: { cursor: string; node: { id: string; startsAt: string; notes: string | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

  it('pages through a student’s upcoming bookings soonest first, and past ones latest first', async () => {
    const who = 'student-pages';
    const upcoming = [];
    for (let i = 0; i < 5; i += 1) upcoming.push(await insertBookingRow(stack, { instructorId, instructorUserId: TEACHER, studentId: who, serviceId: SERVICE, startsAt: hoursFromNow(300 + i * 3) }));
    const past = await insertBookingRow(stack, { instructorId, instructorUserId: TEACHER, studentId: who, serviceId: SERVICE, startsAt: hoursFromNow(-30) });
    const token = await student(who);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = dataOf<{ myBookings: Page }>(await stack.graphql(MY, { token, variables: { when: 'UPCOMING', first: 2, after } })).myBookings;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(upcoming);
    const pastPage = dataOf<{ myBookings: Page }>(await stack.graphql(MY, { token, variables: { when: 'PAST' } })).myBookings;
    expect(pastPage.edges.map((e) => e.node.id)).toEqual([past]);
    expect(errorOf(await stack.graphql(MY, { token, variables: { when: 'PAST', after: 'garbage' } }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
    expect(errorOf(await stack.graphql(MY, { variables: { when: 'PAST' } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('shows notes to the two parties only; admins see the booking without them', async () => {
    const id = await insertBookingRow(stack, { instructorId, instructorUserId: TEACHER, studentId: 'student-notes', serviceId: SERVICE, startsAt: hoursFromNow(400), notes: 'gate code 1234' });
    const read = async (token: string) => dataOf<{ booking: { notes: string | null; price: unknown; lessonMode: string } }>(await stack.graphql(BOOKING, { token, variables: { id } })).booking;
    expect((await read(await student('student-notes'))).notes).toBe('gate code 1234');
    expect(await read(await as(TEACHER, ['instructor']))).toMatchObject({ notes: 'gate code 1234', price: { amountMinor: 6500, currency: 'USD' }, lessonMode: 'ONLINE' });
    expect((await read(await as('admin-1', ['admin']))).notes).toBeNull();
  });

  it('shows an instructor’s schedule to the instructor and admins only', async () => {
    const start = hoursFromNow(500);
    const id = await insertBookingRow(stack, { instructorId, instructorUserId: TEACHER, studentId: 'student-sched', serviceId: SERVICE, startsAt: start });
    const SCHEDULE = `query($i: ID!, $from: String!, $to: String!) { instructorSchedule(instructorId: $i, from: $from, to: $to) { id status } }`;
    const variables = { i: instructorId, from: new Date(start.getTime() - 3_600_000).toISOString(), to: new Date(start.getTime() + 3_600_000).toISOString() };
    const mine = dataOf<{ instructorSchedule: { id: string }[] }>(await stack.graphql(SCHEDULE, { token: await as(TEACHER, ['instructor']), variables })).instructorSchedule;
    expect(mine.map((b) => b.id)).toEqual([id]);
    const admins = dataOf<{ instructorSchedule: { id: string }[] }>(await stack.graphql(SCHEDULE, { token: await as('admin-1', ['admin']), variables })).instructorSchedule;
    expect(admins.map((b) => b.id)).toEqual([id]);
    expect(errorOf(await stack.graphql(SCHEDULE, { token: await student('student-sched'), variables }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SCHEDULE_OWNER' });
    expect(errorOf(await stack.graphql(SCHEDULE, { token: await as(TEACHER, ['instructor']), variables: { ...variables, to: variables.from } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TIME_RANGE',
    });
  });
});
