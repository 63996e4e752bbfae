import { BOOKING_QUERY, bookingSql, CANCEL_BOOKING, COMPLETE_BOOKING, dataOf, errorOf, hoursFromNow, insertBookingRow, MARK_NO_SHOW, outboxEvents } from '@instainstru/test-harness';
import { LONE, useBookingTestbed } from '../support/booking';

/** A booking's life after it was made (cancel, complete, no-show, auto-complete, and their races) and how it is read. */

const bed = useBookingTestbed();

describe('lifecycle transitions', () => {
  const confirmedBooking = (hours: number, studentId = 'student-life') =>
    insertBookingRow(bed.stack, { instructorId: LONE.instructorId, instructorUserId: LONE.teacher, studentId, serviceId: LONE.service, startsAt: hoursFromNow(hours), notes: 'bring the Czerny book' });

  it('the student cancels before the start: recorded, announced, and only once', async () => {
    const id = await confirmedBooking(100);
    const token = await bed.student('student-life');
    const { cancelBooking } = dataOf<{ cancelBooking: Record<string, unknown> }>(await bed.stack.graphql(CANCEL_BOOKING, { token, variables: { id, reason: '  feeling ill ' } }));
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledBy: 'STUDENT', reason: 'feeling ill' } });
    const events = await outboxEvents(bed.stack, 'booking', id);
    expect(events.map((e) => e.type)).toEqual(['booking.cancelled']);
    expect(events[0]!.payload).toMatchObject({ bookingId: id, status: 'CANCELLED', cancelledBy: 'STUDENT', reason: 'feeling ill', instructorId: LONE.instructorId, studentUserId: 'student-life' });

    expect(errorOf(await bed.stack.graphql(CANCEL_BOOKING, { token, variables: { id } }))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', details: { status: 'CANCELLED' } });
    expect(await outboxEvents(bed.stack, 'booking', id)).toHaveLength(1);
  });

  it('the instructor cancels (INSTRUCTOR); nobody but an admin cancels after the start', async () => {
    const id = await confirmedBooking(101);
    const teacher = await bed.token(LONE.teacher, ['instructor']);
    expect(dataOf<{ cancelBooking: { cancellation: { cancelledBy: string } } }>(await bed.stack.graphql(CANCEL_BOOKING, { token: teacher, variables: { id } })).cancelBooking.cancellation.cancelledBy).toBe('INSTRUCTOR');

    const started = await confirmedBooking(102);
    bed.clockOffsetMs = 102.5 * 3_600_000;
    expect(errorOf(await bed.stack.graphql(CANCEL_BOOKING, { token: await bed.student('student-life'), variables: { id: started } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_ALREADY_STARTED' });
    const admin = await bed.token('admin-1', ['admin']);
    expect(dataOf<{ cancelBooking: { cancellation: { cancelledBy: string } } }>(await bed.stack.graphql(CANCEL_BOOKING, { token: admin, variables: { id: started } })).cancelBooking.cancellation.cancelledBy).toBe('ADMIN');
  });

  it('a third party can neither see nor change a booking; the student cannot complete it', async () => {
    const id = await confirmedBooking(103);
    const stranger = await bed.student('someone-else');
    expect(errorOf(await bed.stack.graphql(BOOKING_QUERY, { token: stranger, variables: { id } }))).toMatchObject({ code: 'NOT_FOUND', reason: 'BOOKING_NOT_FOUND' });
    expect(errorOf(await bed.stack.graphql(CANCEL_BOOKING, { token: stranger, variables: { id } }))).toMatchObject({ code: 'NOT_FOUND', reason: 'BOOKING_NOT_FOUND' });
    bed.clockOffsetMs = 105 * 3_600_000;
    expect(errorOf(await bed.stack.graphql(COMPLETE_BOOKING, { token: await bed.student('student-life'), variables: { id } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_BOOKING_INSTRUCTOR' });
    expect(await outboxEvents(bed.stack, 'booking', id)).toEqual([]);
  });

  it('the instructor completes only after the lesson ended, and marks a no-show only after the start', async () => {
    const teacher = await bed.token(LONE.teacher, ['instructor']);
    const lesson = await confirmedBooking(110);
    expect(errorOf(await bed.stack.graphql(COMPLETE_BOOKING, { token: teacher, variables: { id: lesson } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_ENDED' });
    bed.clockOffsetMs = 111.5 * 3_600_000;
    const { completeBooking } = dataOf<{ completeBooking: Record<string, unknown> }>(await bed.stack.graphql(COMPLETE_BOOKING, { token: teacher, variables: { id: lesson } }));
    expect(completeBooking).toMatchObject({ status: 'COMPLETED', completion: { completedBy: 'INSTRUCTOR' } });
    expect((await outboxEvents(bed.stack, 'booking', lesson)).map((e) => [e.type, (e.payload as { completedBy: string }).completedBy])).toEqual([['booking.completed', 'INSTRUCTOR']]);

    bed.clockOffsetMs = 0;
    const missed = await confirmedBooking(120);
    expect(errorOf(await bed.stack.graphql(MARK_NO_SHOW, { token: teacher, variables: { id: missed } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_STARTED' });
    bed.clockOffsetMs = 120.25 * 3_600_000;
    const { markNoShow } = dataOf<{ markNoShow: { status: string; noShowMarkedAt: string } }>(await bed.stack.graphql(MARK_NO_SHOW, { token: teacher, variables: { id: missed } }));
    expect(markNoShow.status).toBe('NO_SHOW');
    expect((await outboxEvents(bed.stack, 'booking', missed)).map((e) => e.type)).toEqual(['booking.no-show']);
  });

  it('of a racing cancel and complete exactly one wins; the other is told INVALID_TRANSITION', async () => {
    const teacher = await bed.token(LONE.teacher, ['instructor']);
    const admin = await bed.token('admin-1', ['admin']);
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => confirmedBooking(130 + i * 2)));
    bed.clockOffsetMs = 150 * 3_600_000;
    for (const id of ids) {
      const [cancel, complete] = await Promise.all([bed.stack.graphql(CANCEL_BOOKING, { token: admin, variables: { id } }), bed.stack.graphql(COMPLETE_BOOKING, { token: teacher, variables: { id } })]);
      const outcomes = [cancel, complete].map((r) => (r.body.errors ? (errorOf(r)!.reason as string) : 'won'));
      expect(outcomes.sort()).toEqual(['INVALID_TRANSITION', 'won']);
      expect(await outboxEvents(bed.stack, 'booking', id)).toHaveLength(1);
    }
  });

  it('auto-completes confirmed lessons that ended more than the configured time ago, by SYSTEM', async () => {
    const ended = await confirmedBooking(200);
    const recent = await confirmedBooking(230);
    bed.clockOffsetMs = 231 * 3_600_000 + 30 * 60_000;
    expect(await bed.module.lifecycle.autoCompleteEndedBookings(1440)).toBeGreaterThanOrEqual(1);
    const rows = await bookingSql<{ id: string; status: string; completed_by: string | null }>(bed.stack, `select id, status, completed_by from booking where id = any($1::uuid[])`, [[ended, recent]]);
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.completed_by]]))).toEqual({ [ended]: ['COMPLETED', 'SYSTEM'], [recent]: ['CONFIRMED', null] });
    expect((await outboxEvents(bed.stack, 'booking', ended)).map((e) => [e.type, (e.payload as { completedBy: string }).completedBy])).toEqual([['booking.completed', 'SYSTEM']]);
  });
});

describe('reading bookings', () => {
  const MY = `query($when: BookingWhen!, $first: Int, $after: String) { myBookings(when: $when, first: $first, after: $after) { edges { cursor node { id startsAt notes } } pageInfo { hasNextPage endCursor } } }`;
  type Page = { edges: { cursor: string; node: { id: string; startsAt: string; notes: string | null } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

  it('pages through a student’s upcoming bookings soonest first, and past ones latest first', async () => {
    const who = 'student-pages';
    const upcoming = [];
    for (let i = 0; i < 5; i += 1) upcoming.push(await insertBookingRow(bed.stack, { instructorId: LONE.instructorId, instructorUserId: LONE.teacher, studentId: who, serviceId: LONE.service, startsAt: hoursFromNow(300 + i * 3) }));
    const past = await insertBookingRow(bed.stack, { instructorId: LONE.instructorId, instructorUserId: LONE.teacher, studentId: who, serviceId: LONE.service, startsAt: hoursFromNow(-30) });
    const token = await bed.student(who);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = dataOf<{ myBookings: Page }>(await bed.stack.graphql(MY, { token, variables: { when: 'UPCOMING', first: 2, after } })).myBookings;
      seen.push(...page.edges.map((e) => e.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(upcoming);
    const pastPage = dataOf<{ myBookings: Page }>(await bed.stack.graphql(MY, { token, variables: { when: 'PAST' } })).myBookings;
    expect(pastPage.edges.map((e) => e.node.id)).toEqual([past]);
    expect(errorOf(await bed.stack.graphql(MY, { token, variables: { when: 'PAST', after: 'garbage' } }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
    expect(errorOf(await bed.stack.graphql(MY, { variables: { when: 'PAST' } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('shows notes to the two parties only; admins see the booking without them', async () => {
    const id = await insertBookingRow(bed.stack, { instructorId: LONE.instructorId, instructorUserId: LONE.teacher, studentId: 'student-notes', serviceId: LONE.service, startsAt: hoursFromNow(400), notes: 'gate code 1234' });
    const read = async (token: string) => dataOf<{ booking: { notes: string | null; price: unknown; lessonMode: string } }>(await bed.stack.graphql(BOOKING_QUERY, { token, variables: { id } })).booking;
    expect((await read(await bed.student('student-notes'))).notes).toBe('gate code 1234');
    expect(await read(await bed.token(LONE.teacher, ['instructor']))).toMatchObject({ notes: 'gate code 1234', price: { amountMinor: 6500, currency: 'USD' }, lessonMode: 'ONLINE' });
    expect((await read(await bed.token('admin-1', ['admin']))).notes).toBeNull();
  });

  it('shows an instructor’s schedule to the instructor and admins only', async () => {
    const start = hoursFromNow(500);
    const id = await insertBookingRow(bed.stack, { instructorId: LONE.instructorId, instructorUserId: LONE.teacher, studentId: 'student-sched', serviceId: LONE.service, startsAt: start });
    const SCHEDULE = `query($i: ID!, $from: String!, $to: String!) { instructorSchedule(instructorId: $i, from: $from, to: $to) { id status } }`;
    const variables = { i: LONE.instructorId, from: new Date(start.getTime() - 3_600_000).toISOString(), to: new Date(start.getTime() + 3_600_000).toISOString() };
    const mine = dataOf<{ instructorSchedule: { id: string }[] }>(await bed.stack.graphql(SCHEDULE, { token: await bed.token(LONE.teacher, ['instructor']), variables })).instructorSchedule;
    expect(mine.map((b) => b.id)).toEqual([id]);
    const admins = dataOf<{ instructorSchedule: { id: string }[] }>(await bed.stack.graphql(SCHEDULE, { token: await bed.token('admin-1', ['admin']), variables })).instructorSchedule;
    expect(admins.map((b) => b.id)).toEqual([id]);
    expect(errorOf(await bed.stack.graphql(SCHEDULE, { token: await bed.student('student-sched'), variables }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SCHEDULE_OWNER' });
    expect(errorOf(await bed.stack.graphql(SCHEDULE, { token: await bed.token(LONE.teacher, ['instructor']), variables: { ...variables, to: variables.from } }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_TIME_RANGE',
    });
  });
});
