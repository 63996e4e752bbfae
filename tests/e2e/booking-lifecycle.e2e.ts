import { CANCEL_BOOKING, dataOf, errorOf, eventually, outboxEvents, type GraphQLResult } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/** A booked lesson's life end to end: cancelled (freeing the slot), completed, on the schedule and in myBookings. */

const bed = useMarketplaceTestbed();
const { at, book, studentToken, holdOf } = bed;

describe('lifecycle', () => {
  it('cancelling releases the slot: availability frees it on booking.cancelled and another student books it', async () => {
    const startsAt = at(5, '11:00');
    const first = await studentToken('student-cancels');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(first, startsAt));
    const second = await studentToken('student-waits');
    expect(errorOf(await book(second, startsAt))).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });

    const { cancelBooking } = dataOf<{ cancelBooking: { status: string; cancellation: { cancelledBy: string; reason: string } } }>(
      await bed.stack.graphql(CANCEL_BOOKING, { token: first, variables: { id: createBooking.id, reason: 'Schedule clash' } }),
    );
    expect(cancelBooking).toMatchObject({ status: 'CANCELLED', cancellation: { cancelledBy: 'STUDENT', reason: 'Schedule clash' } });
    // Nothing was authorised yet (the lesson is two weeks ahead): the payment is voided at once, without Stripe.
    expect((await outboxEvents(bed.stack, 'booking', createBooking.id)).map((e) => e.type)).toEqual(['booking.confirmed', 'booking.cancelled', 'payment.voided']);
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
    expect(errorOf(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: createBooking.id } }))).toMatchObject({ reason: 'LESSON_NOT_ENDED' });
    bed.bookingClockOffsetMs = Date.parse(createBooking.endsAt) - Date.now() + 60_000;
    expect(dataOf<{ completeBooking: unknown }>(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: createBooking.id } })).completeBooking).toEqual({
      status: 'COMPLETED',
      completion: { completedBy: 'INSTRUCTOR' },
    });
    expect((await outboxEvents(bed.stack, 'booking', createBooking.id)).map((e) => e.type)).toEqual(['booking.confirmed', 'booking.completed']);
  });

  it('shows the instructor their schedule and the student their upcoming lessons', async () => {
    const token = await studentToken('student-scheduled');
    dataOf(await book(token, at(1, '09:00')));
    const SCHEDULE = `query($i: ID!, $from: String!, $to: String!) { instructorSchedule(instructorId: $i, from: $from, to: $to) { id studentId startsAt } }`;
    const variables = { i: bed.teacher.id, from: at(1, '00:00'), to: at(1, '23:59') };
    const schedule = dataOf<{ instructorSchedule: { studentId: string }[] }>(await bed.stack.graphql(SCHEDULE, { token: bed.teacher.token, variables })).instructorSchedule;
    expect(schedule.map((b) => b.studentId)).toEqual(['student-scheduled']);
    expect(errorOf(await bed.stack.graphql(SCHEDULE, { token, variables }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_SCHEDULE_OWNER' });
    const mine = dataOf<{ myBookings: { edges: { node: { startsAt: string } }[] } }>(
      await bed.stack.graphql(`{ myBookings(when: UPCOMING) { edges { node { startsAt } } } }`, { token }),
    ).myBookings;
    expect(mine.edges.map((e) => e.node.startsAt)).toEqual([new Date(at(1, '09:00')).toISOString()]);
  });

  it('pages myBookings like every connection: first from 1 to 50, anything else refused', async () => {
    const token = await studentToken('student-scheduled');
    const page = (first: number) => bed.stack.graphql(`query($first: Int) { myBookings(when: UPCOMING, first: $first) { edges { node { id } } } }`, { token, variables: { first } });
    for (const first of [0, 51, 10_000]) {
      expect(errorOf(await page(first))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE', details: { first, max: 50 } });
    }
  });
});
