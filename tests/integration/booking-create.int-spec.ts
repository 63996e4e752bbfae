import { randomUUID } from 'node:crypto';
import { bookingFootprint, bookingSql, CREATE_BOOKING, errorOf, hoursFromNow, instructorStateEvent, publishEvents, readModelRevision } from '@instainstru/test-harness';
import { createBookingModule } from '../../services/booking/src/module';
import { bookingConfigFor } from '../support/payments';
import { bookingProcessed, closedPortUrl, LONE, useBookingTestbed } from '../support/booking';

/**
 * createBooking up to the hold, on real Postgres and Kafka: booking's read model of instructors,
 * every refusal (no hold asked, nothing written), and availability failing to answer (the hold
 * released, nothing written). Holding a slot for real is covered end to end with the availability
 * service (tests/e2e/booking-*.e2e.ts); here availability is unreachable or never answers a hold.
 */

const bed = useBookingTestbed();

describe('booking read model from instructor events', () => {
  it('keeps the newest revision of each instructor and ignores older ones', async () => {
    const id = randomUUID();
    const r2 = instructorStateEvent({ instructorId: id, revision: 2, isLive: true, offered: [{ serviceId: LONE.service }] });
    const r1 = instructorStateEvent({ instructorId: id, revision: 1, isLive: false, offered: [] });
    await publishEvents(bed.stack, [r2, r1]);
    await bookingProcessed(bed.stack, [r2, r1]);
    const [row] = await bookingSql<{ is_live: boolean; revision: number; user_id: string; offered_services: { serviceId: string; lessonModes: string[] }[] }>(
      bed.stack,
      `select is_live, revision, user_id, offered_services from instructor_offering where instructor_id = $1`,
      [id],
    );
    expect(row).toMatchObject({ is_live: true, revision: 2, user_id: `teacher-${id.slice(0, 8)}` });
    expect(row!.offered_services).toEqual([{ serviceId: LONE.service, hourlyRate: { amountMinor: 6500, currency: 'USD' }, durationsMinutes: [60, 30], lessonModes: ['online'] }]);

    const r3 = instructorStateEvent({ instructorId: id, revision: 3, isLive: false, offered: [{ serviceId: LONE.service }] });
    await publishEvents(bed.stack, [r3]);
    await bookingProcessed(bed.stack, [r3]);
    expect(await readModelRevision(bed.stack, 'booking', id)).toBe(3);
  });
});

describe('failing createBooking: a clear reason, no hold asked and nothing written', () => {
  const cases: [string, () => Promise<string | undefined>, Record<string, unknown>, string, string][] = [
    ['not signed in', async () => undefined, {}, 'UNAUTHENTICATED', 'SIGN_IN_REQUIRED'],
    ['an instructor account books', () => bed.token('someone', ['instructor']), {}, 'FORBIDDEN', 'STUDENT_ROLE_REQUIRED'],
    ['a local time without offset', () => bed.student(), { startsAt: '2031-05-04T14:00:00' }, 'BAD_USER_INPUT', 'INVALID_START_TIME'],
    ['an unknown instructor', () => bed.student(), { instructorId: randomUUID() }, 'NOT_FOUND', 'INSTRUCTOR_NOT_FOUND'],
    ['a malformed instructor id', () => bed.student(), { instructorId: 'nope' }, 'NOT_FOUND', 'INSTRUCTOR_NOT_FOUND'],
    ['an offline instructor', () => bed.student(), { instructorId: LONE.offlineInstructorId }, 'BAD_USER_INPUT', 'INSTRUCTOR_NOT_LIVE'],
    ['a service not offered', () => bed.student(), { serviceId: LONE.otherService }, 'BAD_USER_INPUT', 'SERVICE_NOT_OFFERED'],
    ['a duration not offered', () => bed.student(), { durationMinutes: 45 }, 'BAD_USER_INPUT', 'DURATION_NOT_OFFERED'],
    ['an impossible duration', () => bed.student(), { durationMinutes: 7 }, 'BAD_USER_INPUT', 'INVALID_DURATION'],
    ['a lesson mode not offered', () => bed.student(), { lessonMode: 'AT_STUDENT_PLACE' }, 'BAD_USER_INPUT', 'LESSON_MODE_NOT_OFFERED'],
    ['the instructor booking themself', () => bed.token(LONE.teacher, ['student', 'instructor']), {}, 'BAD_USER_INPUT', 'CANNOT_BOOK_SELF'],
    ['notes over 1000 characters', () => bed.student(), { notes: 'x'.repeat(1001) }, 'BAD_USER_INPUT', 'NOTES_TOO_LONG'],
  ];

  it.each(cases)('refuses %s', async (_, token, input, code, reason) => {
    const before = await bookingFootprint(bed.stack);
    const holdsAsked = bed.calendar.holdsAsked.length;
    const result = await bed.stack.graphql(CREATE_BOOKING, { token: await token(), variables: { input: bed.createInput(input) } });
    expect(errorOf(result)).toMatchObject({ code, reason });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    expect(bed.calendar.holdsAsked).toHaveLength(holdsAsked);
  });
});

describe('when availability does not answer', () => {
  it('answers SERVICE_UNAVAILABLE when availability cannot be reached, and writes nothing', async () => {
    // Booking as built with availability at an address nothing listens on.
    const { creation } = createBookingModule(bed.stack.deps.booking!, {
      config: bookingConfigFor(bed.world, { availability: { url: await closedPortUrl(), timeoutMs: 500 }, autoCompleteAfterMinutes: 1440, jobIntervalMs: 60_000 }),
    });
    const paymentMethodId = await bed.cards.cardOf(await bed.student('student-int-2'));
    const before = await bookingFootprint(bed.stack);
    await expect(
      creation.createBooking({ userId: 'student-int-2', roles: ['student'], requestId: randomUUID() }, { ...bed.createInput(), lessonMode: 'online', paymentMethodId }),
    ).rejects.toMatchObject({ code: 'AVAILABILITY_UNAVAILABLE', apiCode: 'SERVICE_UNAVAILABLE' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
  });

  it('releases the hold it asked for and writes nothing when the hold times out', async () => {
    const before = await bookingFootprint(bed.stack);
    const result = await bed.stack.graphql(CREATE_BOOKING, { token: await bed.student(), variables: { input: bed.createInput({ startsAt: hoursFromNow(60).toISOString() }) } });
    expect(errorOf(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'AVAILABILITY_UNAVAILABLE' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
    expect(bed.calendar.released).toEqual([bed.calendar.holdsAsked.at(-1)]);
  });

  it('writes nothing even when the release fails too (an unconfirmed hold expires at availability)', async () => {
    bed.calendar.answerReleases = false;
    const before = await bookingFootprint(bed.stack);
    const result = await bed.stack.graphql(CREATE_BOOKING, { token: await bed.student(), variables: { input: bed.createInput({ startsAt: hoursFromNow(72).toISOString() }) } });
    bed.calendar.answerReleases = true;
    expect(errorOf(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', reason: 'AVAILABILITY_UNAVAILABLE' });
    expect(await bookingFootprint(bed.stack)).toEqual(before);
  });
});
