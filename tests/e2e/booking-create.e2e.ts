import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { collectMessages, dataOf, errorOf, eventually, insertBookingRow, holdClient, instructorStateEvent, liveInstructor, outboxEvents, publishEvents, publishWeek, readModelRevision, availabilitySql, bookingFootprint, bookingSql, overlappingActiveBookings, waitForReadModel, type HoldAnswer } from '@instainstru/test-harness';
import type { SlotHolds } from '../../services/booking/src/module';
import { bookingProcessed, HOLD_TTL_SECONDS, useMarketplaceTestbed, WHOLE_DAYS, ZONE, type BookingView } from '../support/booking';
import { payableInstructors } from '../support/payments';

/**
 * Creating a booking end to end (the marketplace testbed: the real gateway over the instructor,
 * catalog, availability and booking subgraphs with their workers): a lesson booked, held,
 * confirmed and announced; the calendar's refusals; and creates that die or fail after the hold.
 */

const bed = useMarketplaceTestbed();
const { at, book, studentToken, holdOf, liveInBooking, overlappingActiveHolds } = bed;

describe('successful booking', () => {
  it('books a lesson at a server-computed price, holds the slot, confirms it and announces it', async () => {
    const bus = bed.stack.deps.booking!.bus;
    const collector = await collectMessages(bus, [`${bed.stack.deps.booking!.config.kafka.topicPrefix}booking.events`]);
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
        paymentStatus: 'SCHEDULED',
        notes: 'First lesson, total beginner',
        studentId: 'student-happy',
        instructor: { id: bed.teacher.id },
        service: { id: bed.pianoId },
        cancellation: null,
      });

      const [confirmed] = await outboxEvents(bed.stack, 'booking', createBooking.id);
      expect(confirmed).toMatchObject({ type: 'booking.confirmed', payload: { bookingId: createBooking.id, instructorUserId: bed.teacherSub, price: { amountMinor: 3250 }, status: 'CONFIRMED' } });
      await eventually(() => collector.received.some((m) => m.headers['event-id'] === confirmed!.id), 20_000, 'booking.confirmed on Kafka');
      // Availability made the hold permanent on booking.confirmed.
      await eventually(async () => (await holdOf(createBooking.id))?.status === 'CONFIRMED', 20_000, 'the hold confirmed at availability');

      // Through the gateway, the booking joins the catalog's service and the instructor's profile.
      const read = await bed.stack.graphql(`query($id: ID!) { booking(id: $id) { id service { name } instructor { id displayName } } }`, { token, variables: { id: createBooking.id } });
      expect(dataOf<{ booking: unknown }>(read).booking).toEqual({ id: createBooking.id, service: { name: 'Piano' }, instructor: { id: bed.teacher.id, displayName: 'Booking Teacher' } });
      const stranger = await studentToken('student-stranger');
      expect(errorOf(await bed.stack.graphql(`query($id: ID!) { booking(id: $id) { id } }`, { token: stranger, variables: { id: createBooking.id } }))).toMatchObject({
        code: 'NOT_FOUND',
        reason: 'BOOKING_NOT_FOUND',
      });
    } finally {
      await collector.stop();
    }
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
    const before = await bookingFootprint(bed.stack);
    const [holds] = await availabilitySql<{ n: string }>(bed.stack, `select count(*) as n from slot_hold`);
    const result = await book(await studentToken('student-refused'), startsAt());
    expect(errorOf(result)).toMatchObject({ code, reason });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    const [after] = await availabilitySql<{ n: string }>(bed.stack, `select count(*) as n from slot_hold`);
    expect(after!.n).toBe(holds!.n);
  });

  it('refuses a duration the instructor does not offer, and an offline instructor', async () => {
    const before = await bookingFootprint(bed.stack);
    const token = await studentToken('student-refused');
    expect(errorOf(await book(token, at(4, '10:00'), { durationMinutes: 45 }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'DURATION_NOT_OFFERED',
      details: { offeredDurationsMinutes: [30, 60] },
    });
    const other = await liveInstructor(bed.stack, { sub: `teacher-${randomUUID().slice(0, 8)}`, displayName: 'Leaving Teacher', serviceId: bed.pianoId, ageGroups: ['ADULTS'] });
    await liveInBooking(other.id, true);
    dataOf(await bed.stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: other.token, variables: { id: other.id } }));
    await liveInBooking(other.id, false);
    expect(errorOf(await book(token, at(4, '10:00'), { instructorId: other.id }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INSTRUCTOR_NOT_LIVE' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
  });
});

describe('after the hold: a create that dies or fails leaves no booking and, soon or at once, a free slot', () => {
  const plusMinutes = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

  it('a hold whose booking was never written (the process died after holding) blocks the slot only until it expires', async () => {
    const startsAt = at(6, '10:00');
    const client = holdClient(bed.stack);
    try {
      const crashed = randomUUID();
      await client.post<HoldAnswer>('/internal/holds/hold', { bookingId: crashed, instructorId: bed.teacher.id, startsAt, endsAt: plusMinutes(startsAt, 60) });
      const token = await studentToken('student-after-crash');
      expect(errorOf(await book(token, startsAt))).toMatchObject({ code: 'CONFLICT', reason: 'SLOT_UNAVAILABLE' });
      expect(await bookingSql(bed.stack, `select 1 from booking where id = $1`, [crashed])).toHaveLength(0);

      bed.calendarClockOffsetMs = (HOLD_TTL_SECONDS + 1) * 1000;
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
    const other = await liveInstructor(bed.stack, { sub, displayName: 'Vanishing Teacher', serviceId: bed.pianoId, ageGroups: ['ADULTS'] });
    await liveInBooking(other.id, true);
    await waitForReadModel(bed.stack, 'availability', other.id);
    await publishWeek(bed.stack, other.token, other.id, bed.monday.toISODate()!, WHOLE_DAYS);
    // The real hold, then an instructor event taking them offline reaches booking's read model.
    const holds: SlotHolds = {
      async hold(request) {
        const held = await bed.bookingModule.holds.hold(request);
        const offline = instructorStateEvent({ instructorId: other.id, userId: sub, revision: (await readModelRevision(bed.stack, 'booking', other.id)) + 1, isLive: false, offered: [{ serviceId: bed.pianoId }] });
        await publishEvents(bed.stack, [offline]);
        await bookingProcessed(bed.stack, [offline]);
        return held;
      },
      release: (bookingId) => bed.bookingModule.holds.release(bookingId),
    };
    const creation = bed.bookingModule.creationWith(holds);
    await payableInstructors(bed.world, bed.bookingModule, [other.id]);
    const paymentMethodId = await bed.cards.cardOf(await studentToken('student-late'));
    const startsAt = at(6, '12:00');
    const before = await bookingFootprint(bed.stack);
    await expect(
      creation.createBooking(
        { userId: 'student-late', roles: ['student'], requestId: randomUUID() },
        { instructorId: other.id, serviceId: bed.pianoId, startsAt, durationMinutes: 60, lessonMode: 'online', paymentMethodId },
      ),
    ).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE', apiCode: 'BAD_USER_INPUT' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    expect(await availabilitySql(bed.stack, `select booking_id from slot_hold where instructor_id = $1`, [other.id])).toEqual([]);
    // The slot is bookable again at availability.
    const client = holdClient(bed.stack);
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
    await insertBookingRow(bed.stack, { instructorId: bed.teacher.id, instructorUserId: bed.teacherSub, studentId: 'student-first', serviceId: bed.pianoId, startsAt: new Date(existing) });
    const startsAt = plusMinutes(existing, 30);
    const before = await bookingFootprint(bed.stack);
    expect(errorOf(await book(await studentToken('student-second'), startsAt, { durationMinutes: 30 }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SLOT_UNAVAILABLE',
      details: { instructorId: bed.teacher.id, startsAt: new Date(startsAt).toISOString(), endsAt: plusMinutes(startsAt, 30) },
    });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    expect(await availabilitySql(bed.stack, `select booking_id from slot_hold where instructor_id = $1 and starts_at = $2`, [bed.teacher.id, startsAt])).toEqual([]);
    expect(await overlappingActiveBookings(bed.stack)).toBe(0);
  });
});
