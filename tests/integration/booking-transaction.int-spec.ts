import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { bookingFootprint, bookingSql, hoursFromNow, insertBookingRow, outboxEvents } from '@instainstru/test-harness';
import type { NewBooking } from '../../services/booking/src/module';
import { LONE, useBookingTestbed } from '../support/booking';

/**
 * The write after the hold, on real Postgres: booking's transaction checks every rule again against
 * the locked read-model row, and the database itself refuses overlapping active bookings.
 */

const bed = useBookingTestbed();

describe("booking's transaction after the hold re-checks every rule against the read model", () => {
  /** A booking as createBooking made it from the read model, before its transaction. */
  const held = (hours: number, overrides: Partial<NewBooking> = {}): NewBooking => {
    const startsAt = hoursFromNow(hours);
    return {
      id: randomUUID(),
      instructorId: LONE.instructorId,
      instructorUserId: LONE.teacher,
      studentId: 'student-tx',
      payment: null,
      serviceId: LONE.service,
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
    const booking = await bed.module.creation.bookHeldSlot(b, 2);
    expect(booking).toMatchObject({ id: b.id, status: 'CONFIRMED', studentId: 'student-tx', startsAt: b.startsAt.toISOString(), price: { amountMinor: 6500, currency: 'USD' } });
    expect(booking.confirmedAt).toBe(booking.createdAt);
    // The answer is the booking exactly as it reads back.
    expect(await bed.module.findBooking(b.id)).toEqual(booking);
    const [row] = await bookingSql<{ status: string; confirmed_at: Date }>(bed.stack, `select status, confirmed_at from booking where id = $1`, [b.id]);
    expect(row).toEqual({ status: 'CONFIRMED', confirmed_at: new Date(booking.confirmedAt!) });
    const events = await outboxEvents(bed.stack, 'booking', b.id);
    expect(events.map((e) => e.type)).toEqual(['booking.confirmed']);
    expect(events[0]!.payload).toMatchObject({ bookingId: b.id, status: 'CONFIRMED', startsAt: booking.startsAt, endsAt: booking.endsAt, price: { amountMinor: 6500, currency: 'USD' } });
  });

  it('when the read model moved on, checks the rules again against the locked row: its price, and an offline instructor books nothing', async () => {
    // Made from an older revision at another rate: the current terms decide.
    const b = held(24 * 26, { price: { amountMinor: 1, currency: 'USD' } });
    const booking = await bed.module.creation.bookHeldSlot(b, 1);
    expect(booking.price).toEqual({ amountMinor: 6500, currency: 'USD' });
    expect((await outboxEvents(bed.stack, 'booking', b.id))[0]!.payload).toMatchObject({ price: { amountMinor: 6500, currency: 'USD' } });

    const before = await bookingFootprint(bed.stack);
    await expect(bed.module.creation.bookHeldSlot(held(24 * 27, { instructorId: LONE.offlineInstructorId }), 0)).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE' });
    await expect(bed.module.creation.bookHeldSlot(held(24 * 27, { instructorId: randomUUID() }), 1)).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_FOUND' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
  });

  it('answers SLOT_UNAVAILABLE and writes nothing when the booking overlaps an active one', async () => {
    const first = held(24 * 28);
    await bed.module.creation.bookHeldSlot(first, 2);
    const before = await bookingFootprint(bed.stack);
    const overlapping = held(24 * 28, { startsAt: new Date(first.startsAt.getTime() + 30 * 60_000), endsAt: new Date(first.startsAt.getTime() + 60 * 60_000), durationMinutes: 30 });
    await expect(bed.module.creation.bookHeldSlot({ ...overlapping, price: { amountMinor: 3250, currency: 'USD' } }, 2)).rejects.toMatchObject({
      code: 'SLOT_UNAVAILABLE',
      apiCode: 'CONFLICT',
      details: { instructorId: LONE.instructorId, startsAt: overlapping.startsAt.toISOString(), endsAt: overlapping.endsAt.toISOString() },
    });
    // The same when the read model moved on since the booking was made (the rules checked again first).
    await expect(bed.module.creation.bookHeldSlot({ ...overlapping, id: randomUUID() }, 1)).rejects.toMatchObject({ code: 'SLOT_UNAVAILABLE' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
  });

  it('runs creates for one instructor side by side, but makes them wait for a read-model update in flight and obey it', async () => {
    const other = new pg.Client({ connectionString: bed.stack.db.urlFor('booking') });
    await other.connect();
    const outcome = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'booked', (e: { code?: string }) => e.code), sleep(ms).then(() => 'still waiting')]);
    try {
      // Another create's transaction holds its lock on the instructor's row: this one does not wait for it.
      await other.query('begin');
      await other.query(`select 1 from instructor_offering where instructor_id = $1 for share`, [LONE.lockedInstructorId]);
      const alongside = held(24 * 29, { instructorId: LONE.lockedInstructorId, instructorUserId: 'teacher-int-locked' });
      expect(await outcome(bed.module.creation.bookHeldSlot(alongside, 1), 5_000)).toBe('booked');
      await other.query('rollback');

      // The read model taking the instructor offline, not yet committed: a create waits, then obeys it.
      await other.query('begin');
      await other.query(`update instructor_offering set is_live = false, revision = 2 where instructor_id = $1`, [LONE.lockedInstructorId]);
      const before = await bookingFootprint(bed.stack);
      const waiting = bed.module.creation.bookHeldSlot(held(24 * 30, { instructorId: LONE.lockedInstructorId, instructorUserId: 'teacher-int-locked' }), 1);
      expect(await outcome(waiting, 500)).toBe('still waiting');
      await other.query('commit');
      await expect(waiting).rejects.toMatchObject({ code: 'INSTRUCTOR_NOT_LIVE' });
      expect(await bookingFootprint(bed.stack)).toEqual(before);
    } finally {
      await other.end();
    }
  });
});

describe('the database refuses overlapping active bookings of one instructor', () => {
  const insert = (startsAt: Date, minutes: number, who = LONE.instructorId) =>
    insertBookingRow(bed.stack, { instructorId: who, instructorUserId: LONE.teacher, studentId: 's-x', serviceId: LONE.service, startsAt, durationMinutes: minutes });

  it('conflicts on overlap, allows back-to-back lessons, other instructors and cancelled bookings', async () => {
    const start = hoursFromNow(24 * 20);
    const first = await insert(start, 60);
    await expect(insert(new Date(start.getTime() + 30 * 60_000), 30)).rejects.toMatchObject({ code: '23P01' });
    await expect(insert(new Date(start.getTime() - 30 * 60_000), 90)).rejects.toMatchObject({ code: '23P01' });
    await insert(new Date(start.getTime() + 60 * 60_000), 30);
    await insert(start, 60, LONE.offlineInstructorId);
    await bookingSql(bed.stack, `update booking set status = 'CANCELLED', cancelled_by = 'ADMIN', cancelled_at = now() where id = $1`, [first]);
    await insert(start, 30);
  });
});
