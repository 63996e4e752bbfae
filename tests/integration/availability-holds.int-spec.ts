import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { RemoteServiceError } from '@instainstru/platform';
import { availabilitySql, bookingEvent, eventsConsumed, eventually, type HoldAnswer, holdClient, knownInstructor, publishEvents, publishWeek } from '@instainstru/test-harness';
import { loadAvailabilityConfig } from '../../services/availability/src/module';
import { BOOKING_HOLDS_GROUP, useCalendarTestbed } from '../support/availability';

/** Monday 2027-03-01 07:00 in New York; the published week below is the next one. */
const NOW = '2027-03-01T12:00:00.000Z';
const WEEK = '2027-03-08';
const config = { ...loadAvailabilityConfig({}), holdSweepIntervalMs: 200 };
const bed = useCalendarTestbed(NOW, config);

/** A live New York instructor with Monday 09:00–17:00 and Tuesday 09:00–12:00 + 12:00–15:00 published for WEEK. */
async function instructorWithWeek(): Promise<string> {
  const instructorId = randomUUID();
  const userId = `holds-${instructorId}`;
  await knownInstructor(bed.stack, { instructorId, userId, timezone: 'America/New_York' });
  const token = await bed.stack.token({ sub: userId, roles: ['instructor'] });
  await publishWeek(bed.stack, token, instructorId, WEEK, [
    { dayOfWeek: 1, startTime: '09:00', endTime: '17:00' },
    { dayOfWeek: 2, startTime: '09:00', endTime: '12:00' },
    { dayOfWeek: 2, startTime: '12:00', endTime: '15:00' },
  ]);
  return instructorId;
}

/** Monday 2027-03-08 at local (EST, UTC−5) HH:MM as a UTC instant. */
const monday = (hhmm: string) => new Date(`2027-03-08T${hhmm}:00.000-05:00`).toISOString();
const tuesday = (hhmm: string) => new Date(`2027-03-09T${hhmm}:00.000-05:00`).toISOString();

const hold = (instructorId: string, startsAt: string, endsAt: string, bookingId: string = randomUUID()) =>
  bed.client.post<HoldAnswer>('/internal/holds/hold', { bookingId, instructorId, startsAt, endsAt });

/** The refusal of a call, as the booking service sees it. */
async function refusal(call: Promise<unknown>): Promise<{ code: string; reason: string; details?: Record<string, unknown> }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RemoteServiceError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: error.apiCode, reason: error.code, ...(error.details ? { details: error.details } : {}) };
}

const holdRow = async (bookingId: string) =>
  (await availabilitySql<{ status: string; expires_at: Date | null }>(bed.stack, `select status, expires_at from slot_hold where booking_id = $1`, [bookingId]))[0];

describe('successful holds', () => {
  it('holds a slot inside availability until the hold expires, and answers the same hold for the same booking', async () => {
    const instructorId = await instructorWithWeek();
    const bookingId = randomUUID();
    const first = await hold(instructorId, monday('10:00'), monday('11:00'), bookingId);
    expect(first).toEqual({
      bookingId,
      instructorId,
      startsAt: '2027-03-08T15:00:00.000Z',
      endsAt: '2027-03-08T16:00:00.000Z',
      status: 'HELD',
      expiresAt: new Date(Date.parse(NOW) + config.holdTtlSeconds * 1000).toISOString(),
    });
    bed.clock.advance(60_000);
    expect(await hold(instructorId, monday('10:00'), monday('11:00'), bookingId)).toEqual(first);
    expect(await availabilitySql(bed.stack, `select 1 from slot_hold where booking_id = $1`, [bookingId])).toHaveLength(1);
  });

  it('adjacent windows join: a lesson may span two touching slots', async () => {
    const instructorId = await instructorWithWeek();
    await expect(hold(instructorId, tuesday('11:00'), tuesday('13:00'))).resolves.toMatchObject({ status: 'HELD' });
  });

  it('releases a hold once; releasing again or an unknown booking answers released: false', async () => {
    const instructorId = await instructorWithWeek();
    const bookingId = randomUUID();
    await hold(instructorId, monday('10:00'), monday('11:00'), bookingId);
    expect(await bed.client.post('/internal/holds/release', { bookingId })).toEqual({ released: true });
    expect(await bed.client.post('/internal/holds/release', { bookingId })).toEqual({ released: false });
    expect(await bed.client.post('/internal/holds/release', { bookingId: randomUUID() })).toEqual({ released: false });
    await expect(hold(instructorId, monday('10:00'), monday('11:00'))).resolves.toMatchObject({ status: 'HELD' });
  });
});

describe('failing holds', () => {
  it('the same booking with another range is HOLD_MISMATCH and keeps the first hold', async () => {
    const instructorId = await instructorWithWeek();
    const bookingId = randomUUID();
    await hold(instructorId, monday('10:00'), monday('11:00'), bookingId);
    expect(await refusal(hold(instructorId, monday('10:00'), monday('11:30'), bookingId))).toMatchObject({ code: 'CONFLICT', reason: 'HOLD_MISMATCH' });
    expect(await availabilitySql(bed.stack, `select ends_at from slot_hold where booking_id = $1`, [bookingId])).toEqual([{ ends_at: new Date(monday('11:00')) }]);
  });

  it('of concurrent holds of overlapping ranges of different lengths, exactly one wins', async () => {
    const instructorId = await instructorWithWeek();
    // Every range contains 10:50–10:55, so any two overlap.
    const ranges = [
      ['10:00', '11:00'],
      ['10:30', '12:00'],
      ['10:15', '10:55'],
      ['10:45', '11:15'],
      ['09:00', '13:00'],
      ['10:50', '11:05'],
    ] as const;
    const outcomes = await Promise.allSettled(ranges.map(([s, e]) => hold(instructorId, monday(s), monday(e))));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected')) {
      expect(o.reason).toMatchObject({ apiCode: 'CONFLICT', code: 'SLOT_UNAVAILABLE' });
    }
    expect(await availabilitySql(bed.stack, `select 1 from slot_hold where instructor_id = $1`, [instructorId])).toHaveLength(1);
  });

  it('the database itself refuses overlapping holds of one instructor (exclusion constraint)', async () => {
    const instructorId = randomUUID();
    const insert = (start: string, end: string) =>
      availabilitySql(
        bed.stack,
        `insert into slot_hold (booking_id, instructor_id, starts_at, ends_at, blocked, status) values ($1, $2, $3, $4, tstzrange($3, $4), 'CONFIRMED')`,
        [randomUUID(), instructorId, start, end],
      );
    await insert(monday('10:00'), monday('11:00'));
    await expect(insert(monday('10:59'), monday('12:00'))).rejects.toMatchObject({ code: '23P01', constraint: 'slot_hold_no_overlap' } satisfies Partial<pg.DatabaseError>);
    // Back to back is not an overlap: the insert goes through.
    await expect(insert(monday('11:00'), monday('12:00'))).resolves.toEqual([]);
    expect(await availabilitySql(bed.stack, `select count(*)::int as n from slot_hold where instructor_id = $1`, [instructorId])).toEqual([{ n: 2 }]);
    await expect(availabilitySql(bed.stack, `insert into slot_hold (booking_id, instructor_id, starts_at, ends_at, blocked, status) values ($1, $2, $3, $3, tstzrange($3, $3), 'CONFIRMED')`, [randomUUID(), randomUUID(), monday('12:00')])).rejects.toMatchObject({ code: '23514' });
  });

  it('keeps the buffer after each lesson free', async () => {
    const instructorId = await instructorWithWeek();
    await hold(instructorId, monday('10:00'), monday('11:00'));
    expect(await refusal(hold(instructorId, monday('11:00'), monday('12:00')))).toMatchObject({ reason: 'SLOT_UNAVAILABLE', details: { bufferMinutes: 15 } });
    expect(await refusal(hold(instructorId, monday('11:10'), monday('12:00')))).toMatchObject({ reason: 'SLOT_UNAVAILABLE' });
    expect(await refusal(hold(instructorId, monday('09:00'), monday('10:00')))).toMatchObject({ reason: 'SLOT_UNAVAILABLE' });
    await expect(hold(instructorId, monday('11:15'), monday('12:15'))).resolves.toMatchObject({ status: 'HELD' });
    await expect(hold(instructorId, monday('09:00'), monday('09:45'))).resolves.toMatchObject({ status: 'HELD' });
  });

  it('refuses time outside published availability, in the past, inside the notice and beyond the horizon', async () => {
    const instructorId = await instructorWithWeek();
    const outside = await refusal(hold(instructorId, monday('08:30'), monday('09:30')));
    expect(outside).toMatchObject({ code: 'CONFLICT', reason: 'OUTSIDE_AVAILABILITY' });
    expect(await refusal(hold(instructorId, tuesday('14:30'), tuesday('15:30')))).toMatchObject({ reason: 'OUTSIDE_AVAILABILITY' });

    bed.clock.set('2027-03-08T15:30:00.000Z'); // Monday 10:30 in New York
    expect(await refusal(hold(instructorId, monday('10:00'), monday('11:00')))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'SLOT_IN_PAST' });
    expect(await refusal(hold(instructorId, monday('12:00'), monday('13:00')))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'INSIDE_MINIMUM_NOTICE',
      details: { minNoticeMinutes: 120, earliestStart: '2027-03-08T17:30:00.000Z' },
    });
    await expect(hold(instructorId, monday('12:30'), monday('13:30'))).resolves.toMatchObject({ status: 'HELD' });

    bed.clock.set('2026-12-08T12:00:00.000Z'); // 90 days before Monday 2027-03-08 12:00Z
    expect(await refusal(hold(instructorId, tuesday('09:00'), tuesday('10:00')))).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'BEYOND_BOOKING_HORIZON',
      details: { horizonDays: 90, latestStart: '2027-03-08T12:00:00.000Z' },
    });
  });

  it('refuses an unknown instructor and a malformed range', async () => {
    expect(await refusal(hold(randomUUID(), monday('10:00'), monday('11:00')))).toMatchObject({ code: 'NOT_FOUND', reason: 'INSTRUCTOR_NOT_FOUND' });
    const instructorId = await instructorWithWeek();
    expect(await refusal(hold(instructorId, monday('11:00'), monday('10:00')))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_HOLD_RANGE' });
    expect(await refusal(bed.client.post('/internal/holds/hold', { bookingId: 'nope', instructorId, startsAt: monday('10:00'), endsAt: monday('11:00') }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_REQUEST',
    });
    expect(await refusal(bed.client.post('/internal/holds/hold', { bookingId: randomUUID(), instructorId, startsAt: 'Monday 10am', endsAt: monday('11:00') }))).toMatchObject({
      reason: 'INVALID_REQUEST',
    });
  });
});

describe('expiry', () => {
  it('an unconfirmed hold stops blocking once expired, and the sweeper deletes it', async () => {
    const instructorId = await instructorWithWeek();
    const first = randomUUID();
    await hold(instructorId, monday('10:00'), monday('11:00'), first);
    expect(await refusal(hold(instructorId, monday('10:30'), monday('11:30')))).toMatchObject({ reason: 'SLOT_UNAVAILABLE' });
    bed.clock.advance(config.holdTtlSeconds * 1000);
    await eventually(async () => (await holdRow(first)) === undefined, 10_000, 'the sweeper to delete the expired hold');
    await expect(hold(instructorId, monday('10:30'), monday('11:30'))).resolves.toMatchObject({ status: 'HELD' });
  });

  it('an expired hold does not block, whether or not the sweeper ran yet', async () => {
    const instructorId = await instructorWithWeek();
    await hold(instructorId, monday('13:00'), monday('14:00'));
    bed.clock.advance(config.holdTtlSeconds * 1000 + 1);
    // No waiting for the sweeper: the expired hold is deleted in the transaction that inserts the new one.
    await expect(hold(instructorId, monday('13:00'), monday('14:00'))).resolves.toMatchObject({ status: 'HELD' });
  });

  it('asking again for an expired hold holds the slot anew with a new expiry', async () => {
    const instructorId = await instructorWithWeek();
    const bookingId = randomUUID();
    await hold(instructorId, monday('15:00'), monday('16:00'), bookingId);
    bed.clock.advance(config.holdTtlSeconds * 1000 + 1);
    const again = await hold(instructorId, monday('15:00'), monday('16:00'), bookingId);
    expect(again.expiresAt).toBe(new Date(bed.clock.now().getTime() + config.holdTtlSeconds * 1000).toISOString());
  });
});

describe('booking events', () => {
  it('booking.confirmed makes the hold permanent; booking.cancelled releases it', async () => {
    const instructorId = await instructorWithWeek();
    const lesson = { bookingId: randomUUID(), instructorId, startsAt: monday('10:00'), endsAt: monday('11:00') };
    await hold(instructorId, lesson.startsAt, lesson.endsAt, lesson.bookingId);

    const confirmed = bookingEvent('booking.confirmed', lesson);
    await publishEvents(bed.stack, [confirmed]);
    await eventsConsumed(bed.stack, 'availability', BOOKING_HOLDS_GROUP, [confirmed]);
    expect(await holdRow(lesson.bookingId)).toEqual({ status: 'CONFIRMED', expires_at: null });

    bed.clock.advance(config.holdTtlSeconds * 1000 * 10);
    expect(await refusal(hold(instructorId, monday('10:30'), monday('11:30')))).toMatchObject({ reason: 'SLOT_UNAVAILABLE' });
    expect(await hold(instructorId, lesson.startsAt, lesson.endsAt, lesson.bookingId)).toMatchObject({ status: 'CONFIRMED', expiresAt: null });

    const cancelled = bookingEvent('booking.cancelled', lesson);
    await publishEvents(bed.stack, [cancelled]);
    await eventsConsumed(bed.stack, 'availability', BOOKING_HOLDS_GROUP, [cancelled]);
    expect(await holdRow(lesson.bookingId)).toBeUndefined();
    await expect(hold(instructorId, monday('10:30'), monday('11:30'))).resolves.toMatchObject({ status: 'HELD' });
  });

  it('a confirmation whose hold was already swept takes the slot again as confirmed', async () => {
    const instructorId = await instructorWithWeek();
    const lesson = { bookingId: randomUUID(), instructorId, startsAt: monday('14:00'), endsAt: monday('15:00') };
    const confirmed = bookingEvent('booking.confirmed', lesson);
    await publishEvents(bed.stack, [confirmed]);
    await eventsConsumed(bed.stack, 'availability', BOOKING_HOLDS_GROUP, [confirmed]);
    expect(await holdRow(lesson.bookingId)).toEqual({ status: 'CONFIRMED', expires_at: null });
  });
});

describe('the hold routes are for the booking service only', () => {
  const url = () => `${bed.stack.subgraphUrls.availability!.replace(/\/graphql$/, '')}/internal/holds/hold`;
  const body = () => JSON.stringify({ bookingId: randomUUID(), instructorId: randomUUID(), startsAt: monday('10:00'), endsAt: monday('11:00') });

  it('refuses an unsigned caller', async () => {
    const response = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', reason: 'BAD_CALLER_SIGNATURE' } });
  });

  it.each(['catalog', 'instructor', 'reviews'] as const)('refuses the %s service', async (service) => {
    const other = holdClient(bed.stack, service);
    try {
      expect(await refusal(other.post('/internal/holds/release', { bookingId: randomUUID() }))).toMatchObject({ code: 'FORBIDDEN', reason: 'SERVICE_NOT_ALLOWED' });
    } finally {
      other.close();
    }
  });

  it('is not reachable through the gateway', async () => {
    const response = await fetch(bed.stack.gatewayUrl.replace(/\/graphql$/, '/internal/holds/hold'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });
});
