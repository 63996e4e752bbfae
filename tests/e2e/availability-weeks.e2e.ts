import { randomUUID } from 'node:crypto';
import { availabilitySql, COPY_WEEK, dataOf, errorOf, type HoldAnswer, holdsOutsideAvailability, knownInstructor, publishWeek, readWeek, saveWeek, type Week, type WeekSlot } from '@instainstru/test-harness';
import { useCalendarTestbed } from '../support/availability';

const NOW = '2027-03-01T12:00:00.000Z';
const bed = useCalendarTestbed(NOW);

interface Teacher {
  instructorId: string;
  userId: string;
  token: string;
}

async function teacher(timezone = 'America/New_York', isLive = true): Promise<Teacher> {
  const instructorId = randomUUID();
  const userId = `weeks-${instructorId}`;
  await knownInstructor(bed.stack, { instructorId, userId, timezone, isLive });
  return { instructorId, userId, token: await bed.stack.token({ sub: userId, roles: ['instructor'] }) };
}

const slot = (dayOfWeek: number, startTime: string, endTime: string): WeekSlot => ({ dayOfWeek, startTime, endTime });

/** The week's materialised windows as UTC ISO pairs. */
async function windows(instructorId: string, weekStart: string): Promise<string[][]> {
  const rows = await availabilitySql<{ s: Date; e: Date }>(
    bed.stack,
    `select lower(during) as s, upper(during) as e from availability_window where instructor_id = $1 and week_start = $2 order by lower(during)`,
    [instructorId, weekStart],
  );
  return rows.map((r) => [r.s.toISOString(), r.e.toISOString()]);
}

const saved = (result: Awaited<ReturnType<typeof saveWeek>>) => dataOf<{ saveAvailabilityWeek: Week }>(result).saveAvailabilityWeek;

const hold = (instructorId: string, startsAt: string, endsAt: string, bookingId = randomUUID()) =>
  bed.client.post<HoldAnswer>('/internal/holds/hold', { bookingId, instructorId, startsAt, endsAt });

describe('successful saves', () => {
  it('replaces the whole week, stores its slots and their real instants, and versions it by content', async () => {
    const t = await teacher();
    const empty = await readWeek(bed.stack, t.instructorId, '2027-03-08');
    expect(empty).toMatchObject({ timezone: null, slots: [] });
    const week = saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(2, '14:00', '18:00'), slot(1, '09:00', '12:00')], expectedVersion: empty.version }));
    expect(week).toMatchObject({ weekStart: '2027-03-08', timezone: 'America/New_York', slots: [slot(1, '09:00', '12:00'), slot(2, '14:00', '18:00')] });
    expect(week.version).not.toBe(empty.version);
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(week);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([
      ['2027-03-08T14:00:00.000Z', '2027-03-08T17:00:00.000Z'],
      ['2027-03-09T19:00:00.000Z', '2027-03-09T23:00:00.000Z'],
    ]);
    const replaced = saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(3, '10:00', '11:00')], expectedVersion: week.version }));
    expect(replaced.slots).toEqual([slot(3, '10:00', '11:00')]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-10T15:00:00.000Z', '2027-03-10T16:00:00.000Z']]);
  });

  it('clearExisting: false adds to the week (joining overlaps); clearExisting: true with no slots clears it', async () => {
    const t = await teacher();
    const week = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '12:00')]);
    const merged = saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(1, '11:00', '13:00'), slot(5, '08:00', '09:00')], expectedVersion: week.version, clearExisting: false }));
    expect(merged.slots).toEqual([slot(1, '09:00', '13:00'), slot(5, '08:00', '09:00')]);
    const cleared = saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [], expectedVersion: merged.version, clearExisting: true }));
    expect(cleared.slots).toEqual([]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([]);
  });

  it('copies a week forward, each target in its own offsets (across the spring-forward change)', async () => {
    const t = await teacher();
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-01', [slot(1, '09:00', '10:00')]);
    const { copyAvailabilityWeek } = dataOf<{ copyAvailabilityWeek: Week[] }>(await bed.stack.graphql(COPY_WEEK, { token: t.token, variables: { id: t.instructorId, w: '2027-03-01', n: 3 } }));
    expect(copyAvailabilityWeek.map((w) => [w.weekStart, w.slots])).toEqual([
      ['2027-03-08', [slot(1, '09:00', '10:00')]],
      ['2027-03-15', [slot(1, '09:00', '10:00')]],
      ['2027-03-22', [slot(1, '09:00', '10:00')]],
    ]);
    expect(new Set(copyAvailabilityWeek.map((w) => w.version)).size).toBe(1);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-08T14:00:00.000Z', '2027-03-08T15:00:00.000Z']]);
    expect(await windows(t.instructorId, '2027-03-15')).toEqual([['2027-03-15T13:00:00.000Z', '2027-03-15T14:00:00.000Z']]);
  });

  it('an admin may save any instructor’s week', async () => {
    const t = await teacher();
    const admin = await bed.stack.token({ sub: 'calendar-admin', roles: ['admin'] });
    const week = await publishWeek(bed.stack, admin, t.instructorId, '2027-03-08', [slot(4, '09:00', '10:00')]);
    expect(week.slots).toEqual([slot(4, '09:00', '10:00')]);
  });
});

describe('DST weeks produce the right instants', () => {
  it('America/New_York: the spring-forward gap covers no time; the fall-back hour counts twice', async () => {
    const t = await teacher('America/New_York');
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(6, '02:00', '03:00'), slot(7, '01:00', '04:00'), slot(7, '10:00', '11:00')]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([
      ['2027-03-13T07:00:00.000Z', '2027-03-13T08:00:00.000Z'], // Saturday, still EST
      ['2027-03-14T06:00:00.000Z', '2027-03-14T08:00:00.000Z'], // 01:00 EST → 04:00 EDT: two real hours
      ['2027-03-14T14:00:00.000Z', '2027-03-14T15:00:00.000Z'], // 10:00 EDT
    ]);
    const gap = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(7, '02:00', '03:00')]);
    expect(gap.slots).toEqual([slot(7, '02:00', '03:00')]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([]);
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-11-01', [slot(7, '01:00', '02:00')]);
    expect(await windows(t.instructorId, '2027-11-01')).toEqual([['2027-11-07T05:00:00.000Z', '2027-11-07T07:00:00.000Z']]);
  });

  it('Europe/London changes on other dates: 2027-03-28 and 2027-10-31', async () => {
    const t = await teacher('Europe/London');
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(7, '01:00', '02:00')]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-14T01:00:00.000Z', '2027-03-14T02:00:00.000Z']]);
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-22', [slot(7, '01:00', '02:00'), slot(7, '09:00', '10:00')]);
    expect(await windows(t.instructorId, '2027-03-22')).toEqual([['2027-03-28T08:00:00.000Z', '2027-03-28T09:00:00.000Z']]);
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-10-25', [slot(7, '01:00', '02:00')]);
    expect(await windows(t.instructorId, '2027-10-25')).toEqual([['2027-10-31T00:00:00.000Z', '2027-10-31T02:00:00.000Z']]);
  });

  it('Asia/Kolkata has no DST: the same local hour is the same instant offset all year', async () => {
    const t = await teacher('Asia/Kolkata');
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(7, '01:00', '02:00')]);
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-11-01', [slot(7, '01:00', '02:00')]);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-13T19:30:00.000Z', '2027-03-13T20:30:00.000Z']]);
    expect(await windows(t.instructorId, '2027-11-01')).toEqual([['2027-11-06T19:30:00.000Z', '2027-11-06T20:30:00.000Z']]);
  });

  it('a timezone change keeps published weeks as they are; the next save of a week uses the new zone', async () => {
    const t = await teacher('America/New_York');
    const week = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '10:00')]);
    await knownInstructor(bed.stack, { instructorId: t.instructorId, userId: t.userId, timezone: 'America/Los_Angeles', revision: 2 });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(week);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-08T14:00:00.000Z', '2027-03-08T15:00:00.000Z']]);
    const resaved = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '10:00')]);
    expect(resaved.timezone).toBe('America/Los_Angeles');
    expect(resaved.version).not.toBe(week.version);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-08T17:00:00.000Z', '2027-03-08T18:00:00.000Z']]);
  });
});

describe('failing saves: versions', () => {
  it('a stale expectedVersion is CONFLICT with the current version and slots, and changes nothing', async () => {
    const t = await teacher();
    const empty = await readWeek(bed.stack, t.instructorId, '2027-03-08');
    const current = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '12:00')]);
    const result = await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(2, '09:00', '10:00')], expectedVersion: empty.version });
    expect(errorOf(result)).toEqual({
      code: 'CONFLICT',
      reason: 'STALE_WEEK_VERSION',
      details: { currentVersion: current.version, currentSlots: current.slots, timezone: 'America/New_York' },
    });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(current);
    expect(await windows(t.instructorId, '2027-03-08')).toEqual([['2027-03-08T14:00:00.000Z', '2027-03-08T17:00:00.000Z']]);
  });

  it('of two concurrent saves based on the same version exactly one wins; the other is CONFLICT and nothing is lost', async () => {
    const t = await teacher();
    const base = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '10:00')]);
    const edits = [[slot(2, '09:00', '10:00')], [slot(3, '13:00', '15:00')]];
    const results = await Promise.all(edits.map((slots) => saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots, expectedVersion: base.version })));
    const winners = results.filter((r) => !r.body.errors);
    const losers = results.filter((r) => r.body.errors);
    expect(winners).toHaveLength(1);
    expect(losers.map(errorOf)).toEqual([expect.objectContaining({ code: 'CONFLICT', reason: 'STALE_WEEK_VERSION' })]);
    const winner = saved(winners[0]!);
    expect(errorOf(losers[0]!)?.details).toMatchObject({ currentVersion: winner.version, currentSlots: winner.slots });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(winner);
  });
});

describe('failing saves: booked-slot protection', () => {
  /** Monday 2027-03-08 at local (EST) HH:MM. */
  const monday = (hhmm: string) => new Date(`2027-03-08T${hhmm}:00.000-05:00`).toISOString();

  it('a save that would remove time under held or booked lessons fails, lists them, and changes nothing', async () => {
    const t = await teacher();
    const week = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '17:00'), slot(2, '09:00', '12:00')]);
    const a = await hold(t.instructorId, monday('10:00'), monday('11:00'));
    const b = await hold(t.instructorId, monday('15:00'), monday('16:00'));
    const result = await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(1, '09:00', '14:00')], expectedVersion: week.version });
    expect(errorOf(result)).toEqual({ code: 'CONFLICT', reason: 'WOULD_REMOVE_BOOKED_TIME', details: { lessons: [{ bookingId: b.bookingId, startsAt: b.startsAt, endsAt: b.endsAt }] } });
    const cleared = await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [], expectedVersion: week.version });
    expect(errorOf(cleared)?.details).toEqual({
      lessons: [a, b].map((h) => ({ bookingId: h.bookingId, startsAt: h.startsAt, endsAt: h.endsAt })),
    });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(week);
    expect(await windows(t.instructorId, '2027-03-08')).toHaveLength(2);
    // Keeping the held time (and moving the rest) is fine.
    const kept = saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [slot(1, '10:00', '11:00'), slot(1, '14:00', '16:00')], expectedVersion: week.version }));
    expect(kept.slots).toHaveLength(2);
  });

  it('an expired unconfirmed hold no longer protects its time', async () => {
    const t = await teacher();
    const week = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '17:00')]);
    await hold(t.instructorId, monday('10:00'), monday('11:00'));
    bed.clock.advance(601_000);
    expect(saved(await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: [], expectedVersion: week.version })).slots).toEqual([]);
  });

  it('copying is all or nothing: one target week with a lesson in the way saves none', async () => {
    const t = await teacher();
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-15', [slot(1, '09:00', '12:00')]);
    const target2 = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-22', [slot(1, '09:00', '12:00')]);
    const lesson = await hold(t.instructorId, '2027-03-22T13:00:00.000Z', '2027-03-22T14:00:00.000Z');
    const before15 = await readWeek(bed.stack, t.instructorId, '2027-03-15');
    const result = await bed.stack.graphql(COPY_WEEK, { token: t.token, variables: { id: t.instructorId, w: '2027-03-08', n: 3 } });
    expect(errorOf(result)).toEqual({
      code: 'CONFLICT',
      reason: 'WOULD_REMOVE_BOOKED_TIME',
      details: { lessons: [{ bookingId: lesson.bookingId, startsAt: lesson.startsAt, endsAt: lesson.endsAt }] },
    });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-15')).toEqual(before15);
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-22')).toEqual(target2);
    expect((await readWeek(bed.stack, t.instructorId, '2027-03-29')).timezone).toBeNull();
  });

  it('saves racing holds never leave an active hold outside availability', async () => {
    const t = await teacher();
    await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '17:00')]);
    const shapes = [[slot(1, '09:00', '17:00')], [slot(1, '09:00', '12:00')], [slot(1, '13:00', '17:00')], []];
    const outcomes = { saved: 0, refusedSaves: 0, held: 0, refusedHolds: 0 };
    const saver = async (offset: number) => {
      for (let i = 0; i < 12; i += 1) {
        const { version } = await readWeek(bed.stack, t.instructorId, '2027-03-08');
        const result = await saveWeek(bed.stack, t.token, { ...t, weekStart: '2027-03-08', slots: shapes[(i + offset) % shapes.length]!, expectedVersion: version });
        if (result.body.errors) {
          expect(errorOf(result)).toMatchObject({ code: 'CONFLICT' });
          outcomes.refusedSaves += 1;
        } else outcomes.saved += 1;
      }
    };
    const holder = async (hour: number) => {
      for (let i = 0; i < 12; i += 1) {
        const start = `${String(hour).padStart(2, '0')}:${['00', '30'][i % 2]}`;
        const end = `${String(hour + 1).padStart(2, '0')}:${['00', '30'][i % 2]}`;
        const bookingId = randomUUID();
        try {
          await hold(t.instructorId, monday(start), monday(end), bookingId);
          outcomes.held += 1;
          // Most holds are released again so saves and holds keep interleaving; the last ones stay.
          if (i < 11) await bed.client.post('/internal/holds/release', { bookingId });
        } catch (error) {
          expect(error).toMatchObject({ apiCode: 'CONFLICT' });
          outcomes.refusedHolds += 1;
        }
      }
    };
    await Promise.all([saver(0), saver(1), saver(2), holder(9), holder(11), holder(14), holder(16)]);
    expect(outcomes.saved).toBeGreaterThan(0);
    expect(outcomes.held).toBeGreaterThan(0);
    expect(await holdsOutsideAvailability(bed.stack, t.instructorId, bed.clock.now())).toEqual([]);
  });
});

describe('failing saves: bad input is BAD_USER_INPUT with a stable reason and changes nothing', () => {
  let t: Teacher;
  let week: Week;

  beforeAll(async () => {
    t = await teacher();
    week = await publishWeek(bed.stack, t.token, t.instructorId, '2027-03-08', [slot(1, '09:00', '10:00')]);
  });

  const cases: [string, Partial<{ instructorId: string; weekStart: string; slots: WeekSlot[]; clearExisting: boolean }>, string][] = [
    ['weekStart not a Monday', { weekStart: '2027-03-09' }, 'INVALID_WEEK_START'],
    ['weekStart not a date', { weekStart: 'next week' }, 'INVALID_WEEK_START'],
    ['instructorId not a UUID', { instructorId: 'teacher-1' }, 'INVALID_INSTRUCTOR_ID'],
    ['a time off the 15-minute grid', { slots: [slot(1, '09:10', '10:00')] }, 'INVALID_SLOT'],
    ['an end before the start', { slots: [slot(1, '10:00', '09:00')] }, 'INVALID_SLOT'],
    ['a day outside 1..7', { slots: [slot(0, '09:00', '10:00')] }, 'INVALID_SLOT'],
    ['24:00 as a start', { slots: [slot(1, '24:00', '24:00')] }, 'INVALID_SLOT'],
    ['overlapping slots of one day', { slots: [slot(2, '09:00', '11:00'), slot(2, '10:00', '12:00')] }, 'OVERLAPPING_SLOTS'],
    ['too many slots', { slots: Array.from({ length: 71 }, (_, i) => slot((i % 7) + 1, `${String(Math.floor(i / 7)).padStart(2, '0')}:00`, `${String(Math.floor(i / 7)).padStart(2, '0')}:15`)) }, 'TOO_MANY_SLOTS'],
    ['empty slots without clearExisting', { slots: [], clearExisting: false }, 'EMPTY_WEEK_WITHOUT_CLEAR'],
  ];

  it.each(cases)('%s', async (_, change, reason) => {
    const result = await saveWeek(bed.stack, t.token, { instructorId: t.instructorId, weekStart: '2027-03-08', slots: [slot(3, '09:00', '10:00')], expectedVersion: week.version, ...change });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
    expect(await readWeek(bed.stack, t.instructorId, '2027-03-08')).toEqual(week);
  });

  it.each([0, 13, -1])('copying over %p weeks', async (n) => {
    const result = await bed.stack.graphql(COPY_WEEK, { token: t.token, variables: { id: t.instructorId, w: '2027-03-08', n } });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_COPY_WEEKS' });
    expect((await readWeek(bed.stack, t.instructorId, '2027-03-15')).timezone).toBeNull();
  });
});

describe('failing saves: only the instructor or an admin', () => {
  it('refuses anonymous callers, other instructors, and hides offline or unknown instructors', async () => {
    const owner = await teacher();
    const offline = await teacher('America/New_York', false);
    const other = await bed.stack.token({ sub: `someone-${randomUUID()}`, roles: ['instructor'] });
    const week = await readWeek(bed.stack, owner.instructorId, '2027-03-08');
    const attempt = (token: string | undefined, instructorId: string) =>
      bed.stack.graphql(
        `mutation($id: ID!, $v: String!) { saveAvailabilityWeek(instructorId: $id, weekStart: "2027-03-08", slots: [{ dayOfWeek: 1, startTime: "09:00", endTime: "10:00" }], expectedVersion: $v, clearExisting: true) { version } }`,
        { ...(token ? { token } : {}), variables: { id: instructorId, v: week.version } },
      );
    expect(errorOf(await attempt(undefined, owner.instructorId))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' });
    expect(errorOf(await attempt(other, owner.instructorId))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_CALENDAR_OWNER' });
    expect(errorOf(await attempt(other, offline.instructorId))).toMatchObject({ code: 'NOT_FOUND', reason: 'INSTRUCTOR_NOT_FOUND' });
    expect(errorOf(await attempt(other, randomUUID()))).toMatchObject({ code: 'NOT_FOUND', reason: 'INSTRUCTOR_NOT_FOUND' });
    expect(errorOf(await bed.stack.graphql(COPY_WEEK, { token: other, variables: { id: owner.instructorId, w: '2027-03-08', n: 1 } }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await readWeek(bed.stack, owner.instructorId, '2027-03-08')).toEqual(week);
    // The offline instructor still edits their own calendar.
    await expect(publishWeek(bed.stack, offline.token, offline.instructorId, '2027-03-08', [slot(1, '09:00', '10:00')])).resolves.toMatchObject({ slots: [slot(1, '09:00', '10:00')] });
  });
});
