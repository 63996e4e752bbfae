import { BookingError } from './booking.errors';
import { bookableTerms, bookingIdFor, decodeCursor, encodeCursor, lessonPrice, normaliseNotes, parseInstant, requirePageSize, requireScheduleWindow, requireStartsAt } from './booking.rules';
import type { InstructorOffering } from './booking.types';

/** The BookingError `work` throws (the test fails when it throws none, or another error). */
const refusalOf = (work: () => unknown): BookingError => {
  try {
    work();
  } catch (error) {
    if (error instanceof BookingError) return error;
    throw error;
  }
  throw new Error('expected a BookingError');
};
const reasonOf = (work: () => unknown): string => refusalOf(work).code;

const SERVICE = '6a1d5c43-8f0e-4a55-9d55-0c9f6b3f2a01';
const offering: InstructorOffering = {
  instructorId: '1b7c1f5e-52a4-4f3c-9d1e-3a1c4b9f0e11',
  userId: 'teacher-1',
  isLive: true,
  timezone: 'America/New_York',
  revision: 3,
  offeredServices: [{ serviceId: SERVICE, hourlyRate: { amountMinor: 6500, currency: 'USD' }, durationsMinutes: [60, 30], lessonModes: ['online', 'at_studio'] }],
};
const request = { studentId: 'student-1', serviceId: SERVICE, durationMinutes: 60, lessonMode: 'online' as const };

describe('start times are instants with their offset', () => {
  it.each(['2030-05-04T14:00:00Z', '2030-05-04T10:00:00-04:00', '2030-05-04T10:00-04:00', '2030-05-04T14:00:00.000Z', '2030-05-04T19:30:00+0530'])('%s is accepted', (raw) => {
    expect(parseInstant(raw)).toBeInstanceOf(Date);
  });

  it('names the same instant whatever the offset', () => {
    expect(requireStartsAt('2030-05-04T10:00:00-04:00').toISOString()).toBe('2030-05-04T14:00:00.000Z');
  });

  it.each(['2030-05-04T14:00:00', '2030-05-04 14:00Z', '2030-05-04', 'tomorrow at 2', '2030-02-30T14:00:00Z', ''])('%p is refused', (raw) => {
    expect(reasonOf(() => requireStartsAt(raw))).toBe('INVALID_START_TIME');
  });
});

describe('price', () => {
  it('is the hourly rate times the duration, in minor units', () => {
    expect(lessonPrice({ amountMinor: 6500, currency: 'USD' }, 60)).toEqual({ amountMinor: 6500, currency: 'USD' });
    expect(lessonPrice({ amountMinor: 6500, currency: 'USD' }, 30)).toEqual({ amountMinor: 3250, currency: 'USD' });
    expect(lessonPrice({ amountMinor: 6500, currency: 'USD' }, 90)).toEqual({ amountMinor: 9750, currency: 'USD' });
  });

  it('rounds half up to a whole minor unit', () => {
    expect(lessonPrice({ amountMinor: 6555, currency: 'USD' }, 45).amountMinor).toBe(4916); // 4916.25
    expect(lessonPrice({ amountMinor: 6550, currency: 'USD' }, 45).amountMinor).toBe(4913); // 4912.5
    expect(lessonPrice({ amountMinor: 1, currency: 'USD' }, 20).amountMinor).toBe(0); // 0.33
  });
});

describe('what can be booked, from the read model', () => {
  it('answers the offered terms when every rule holds', () => {
    expect(bookableTerms(offering, offering.instructorId, request).hourlyRate.amountMinor).toBe(6500);
  });

  it.each([
    ['an unknown instructor', null, request, 'INSTRUCTOR_NOT_FOUND'],
    ['the student booking themself', offering, { ...request, studentId: 'teacher-1' }, 'CANNOT_BOOK_SELF'],
    ['an offline instructor', { ...offering, isLive: false }, request, 'INSTRUCTOR_NOT_LIVE'],
    ['a service not offered', offering, { ...request, serviceId: '00000000-0000-4000-8000-000000000000' }, 'SERVICE_NOT_OFFERED'],
    ['a duration not offered', offering, { ...request, durationMinutes: 45 }, 'DURATION_NOT_OFFERED'],
    ['a lesson mode not offered', offering, { ...request, lessonMode: 'at_student_place' as const }, 'LESSON_MODE_NOT_OFFERED'],
  ])('refuses %s', (_, o, r, reason) => {
    expect(reasonOf(() => bookableTerms(o, offering.instructorId, r))).toBe(reason);
  });

  it('tells which durations are offered', () => {
    const refusal = refusalOf(() => bookableTerms(offering, offering.instructorId, { ...request, durationMinutes: 45 }));
    expect(refusal.code).toBe('DURATION_NOT_OFFERED');
    expect(refusal.details).toEqual({ durationMinutes: 45, offeredDurationsMinutes: [30, 60] });
  });
});

describe('input limits', () => {
  it('keeps notes up to 1000 characters, blank ones as none', () => {
    expect(normaliseNotes('  bring sheet music ')).toBe('bring sheet music');
    expect(normaliseNotes('   ')).toBeNull();
    expect(normaliseNotes('x'.repeat(1000))).toHaveLength(1000);
    expect(reasonOf(() => normaliseNotes('x'.repeat(1001)))).toBe('NOTES_TOO_LONG');
  });

  it('takes page sizes from 1 to 50, 20 by default, and refuses any other like every connection', () => {
    expect(requirePageSize(undefined)).toBe(20);
    expect(requirePageSize(1)).toBe(1);
    expect(requirePageSize(50)).toBe(50);
    expect(reasonOf(() => requirePageSize(51))).toBe('INVALID_PAGE_SIZE');
    expect(reasonOf(() => requirePageSize(10_000))).toBe('INVALID_PAGE_SIZE');
    expect(reasonOf(() => requirePageSize(0))).toBe('INVALID_PAGE_SIZE');
  });

  it('round-trips cursors and refuses forged ones', () => {
    const key = { startsAt: '2030-05-04T14:00:00.000Z', id: offering.instructorId };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(null)).toBeNull();
    expect(reasonOf(() => decodeCursor('bm90IGEgY3Vyc29y'))).toBe('INVALID_CURSOR');
    expect(reasonOf(() => decodeCursor(Buffer.from(JSON.stringify(['x', "1' or 1=1"])).toString('base64url')))).toBe('INVALID_CURSOR');
  });

  it('bounds schedule windows', () => {
    expect(requireScheduleWindow('2030-05-01T00:00:00Z', '2030-05-08T00:00:00Z').to.toISOString()).toBe('2030-05-08T00:00:00.000Z');
    expect(reasonOf(() => requireScheduleWindow('2030-05-08T00:00:00Z', '2030-05-01T00:00:00Z'))).toBe('INVALID_TIME_RANGE');
    expect(reasonOf(() => requireScheduleWindow('2030-01-01T00:00:00Z', '2030-06-01T00:00:00Z'))).toBe('INVALID_TIME_RANGE');
    expect(reasonOf(() => requireScheduleWindow('2030-05-01T00:00:00', '2030-05-08T00:00:00Z'))).toBe('INVALID_TIME_RANGE');
  });
});

describe('bookingIdFor', () => {
  it('derives one id per student and key, the same on every retry, different across students and keys', () => {
    const id = bookingIdFor('student-1', 'checkout-7f3a');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bookingIdFor('student-1', 'checkout-7f3a')).toBe(id);
    expect(bookingIdFor('student-2', 'checkout-7f3a')).not.toBe(id);
    expect(bookingIdFor('student-1', 'checkout-7f3b')).not.toBe(id);
  });

  it('gives a fresh random id without a key', () => {
    expect(bookingIdFor('student-1', null)).not.toBe(bookingIdFor('student-1', null));
  });

  it('refuses keys that are too short, too long or not printable ASCII', () => {
    for (const key of ['short', 'x'.repeat(101), 'has a space', 'ключ-ключ-ключ']) {
      expect(reasonOf(() => bookingIdFor('student-1', key))).toBe('INVALID_IDEMPOTENCY_KEY');
    }
  });
});
