import { availabilitySql, bookingFootprint, bookingSql, dataOf, errorOf, outboxEvents, overlappingActiveBookings } from '@instainstru/test-harness';
import { BUFFER_MINUTES, useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * Booking under concurrency, end to end: students racing for one slot or for overlapping ones, and
 * a create retried with an idempotency key, alone or ten times at once.
 */

const bed = useMarketplaceTestbed();
const { at, book, studentToken, holdOf, overlappingActiveHolds } = bed;

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
    const [row] = await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from booking where instructor_id = $1 and starts_at = $2`, [bed.teacher.id, startsAt]);
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
    expect(await overlappingActiveBookings(bed.stack)).toBe(0);
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
    const rows = await bookingSql<{ id: string }>(bed.stack, `select id from booking where student_user_id = 'retry-after-success'`);
    expect(rows).toEqual([{ id: first.id }]);
    expect((await outboxEvents(bed.stack, 'booking', first.id)).map((e) => e.type)).toEqual(['booking.confirmed']);
    expect(await availabilitySql(bed.stack, `select booking_id from slot_hold where instructor_id = $1 and starts_at = $2`, [bed.teacher.id, startsAt])).toEqual([{ booking_id: first.id }]);
  });

  it('ten concurrent calls with one key make one booking and all answer it', async () => {
    const token = await studentToken('retry-racer');
    const startsAt = at(7, '11:00');
    const results = await Promise.all(Array.from({ length: 10 }, () => book(token, startsAt, { idempotencyKey: 'racing-key-0001' })));
    const ids = results.map((r) => dataOf<{ createBooking: BookingView }>(r).createBooking.id);
    expect(new Set(ids).size).toBe(1);
    expect(await bookingSql(bed.stack, `select id from booking where student_user_id = 'retry-racer'`)).toEqual([{ id: ids[0] }]);
    expect(await outboxEvents(bed.stack, 'booking', ids[0])).toHaveLength(1);
  });

  it('a key used for another lesson is CONFLICT; keys are per student; a malformed key is refused; nothing extra is written', async () => {
    const token = await studentToken('retry-reuse');
    const first = dataOf<{ createBooking: BookingView }>(await book(token, at(7, '14:00'), { idempotencyKey: 'reused-key-0001' })).createBooking;
    const before = await bookingFootprint(bed.stack);
    expect(errorOf(await book(token, at(7, '16:00'), { idempotencyKey: 'reused-key-0001' }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'IDEMPOTENCY_KEY_REUSED',
      details: { bookingId: first.id },
    });
    expect(errorOf(await book(token, at(7, '16:00'), { idempotencyKey: 'short' }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_IDEMPOTENCY_KEY' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    // The first booking keeps its hold, where it was: the refused requests neither released nor moved it.
    expect(await holdOf(first.id)).toMatchObject({ starts_at: new Date(at(7, '14:00')) });
    // Another student's identical key is their own: a new booking of their own lesson.
    const other = dataOf<{ createBooking: BookingView }>(await book(await studentToken('retry-other'), at(7, '16:00'), { idempotencyKey: 'reused-key-0001' })).createBooking;
    expect(other.id).not.toBe(first.id);
  });
});
