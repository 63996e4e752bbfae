import { randomUUID } from 'node:crypto';
import { dataOf, errorOf, type HoldAnswer, knownInstructor, publishWeek } from '@instainstru/test-harness';
import type { BookableSlot } from '../../services/availability/src/module';
import { useCalendarTestbed } from '../support/availability';

/** Monday 2027-03-01 07:00 in New York. */
const NOW = '2027-03-01T12:00:00.000Z';
const bed = useCalendarTestbed(NOW);


const BOOKABLE = `query($id: ID!, $d: Int!, $from: String!, $to: String!, $tz: String) {
  bookableSlots(instructorId: $id, durationMinutes: $d, from: $from, to: $to, timezone: $tz) { startsAt endsAt localStartsAt localDate localStartTime timezone }
}`;

const query = (id: string, from: string, to: string, durationMinutes = 60, timezone?: string) =>
  bed.stack.graphql(BOOKABLE, { variables: { id, d: durationMinutes, from, to, ...(timezone ? { tz: timezone } : {}) } });

const bookable = async (id: string, from: string, to: string, durationMinutes = 60, timezone?: string) =>
  dataOf<{ bookableSlots: BookableSlot[] }>(await query(id, from, to, durationMinutes, timezone)).bookableSlots;

const times = (slots: BookableSlot[]) => slots.map((s) => s.localStartTime);

/** A live New York instructor with the given week published. */
async function teacherWith(weekStart: string, slots: { dayOfWeek: number; startTime: string; endTime: string }[], options: { isLive?: boolean; timezone?: string } = {}): Promise<string> {
  const instructorId = randomUUID();
  const userId = `bookable-${instructorId}`;
  await knownInstructor(bed.stack, { instructorId, userId, timezone: options.timezone ?? 'America/New_York', isLive: options.isLive ?? true });
  await publishWeek(bed.stack, await bed.stack.token({ sub: userId, roles: ['instructor'] }), instructorId, weekStart, slots);
  return instructorId;
}

const hold = (instructorId: string, startsAt: string, endsAt: string) =>
  bed.client.post<HoldAnswer>('/internal/holds/hold', { bookingId: randomUUID(), instructorId, startsAt, endsAt });

describe('successful bookable slots', () => {
  it('starts on the quarter hour, the whole lesson inside availability, never inside the minimum notice or in the past', async () => {
    const id = await teacherWith('2027-03-01', [{ dayOfWeek: 1, startTime: '06:00', endTime: '12:00' }, { dayOfWeek: 2, startTime: '09:00', endTime: '10:30' }]);
    // It is 07:00 on Monday in New York: 06:00–09:00 is past or inside the two hours of notice.
    const slots = await bookable(id, '2027-03-01', '2027-03-02');
    expect(times(slots)).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '09:00', '09:15', '09:30']);
    expect(slots[0]).toEqual({
      startsAt: '2027-03-01T14:00:00.000Z',
      endsAt: '2027-03-01T15:00:00.000Z',
      localStartsAt: '2027-03-01T09:00:00.000-05:00',
      localDate: '2027-03-01',
      localStartTime: '09:00',
      timezone: 'America/New_York',
    });
    // Two-hour lessons fit only on Monday (09:00–12:00 after the notice), not in Tuesday's 90 minutes.
    expect(times(await bookable(id, '2027-03-01', '2027-03-02', 120))).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00']);
  });

  it('has nothing in a week that is over', async () => {
    const id = await teacherWith('2027-02-22', [{ dayOfWeek: 1, startTime: '09:00', endTime: '17:00' }]);
    expect(await bookable(id, '2027-02-22', '2027-02-28')).toEqual([]);
  });

  it('stops at the booking horizon (90 days)', async () => {
    const id = await teacherWith('2027-05-24', [{ dayOfWeek: 7, startTime: '06:00', endTime: '12:00' }]);
    await publishWeek(bed.stack, await bed.stack.token({ sub: `bookable-${id}`, roles: ['instructor'] }), id, '2027-05-31', [{ dayOfWeek: 1, startTime: '06:00', endTime: '12:00' }]);
    // The horizon ends Sunday 2027-05-30 12:00Z, 08:00 in New York (EDT).
    expect(times(await bookable(id, '2027-05-30', '2027-05-31'))).toEqual(['06:00', '06:15', '06:30', '06:45', '07:00', '07:15', '07:30', '07:45', '08:00']);
  });

  it('leaves out held and booked lessons and the buffer after each; a released hold frees its time', async () => {
    const id = await teacherWith('2027-03-08', [{ dayOfWeek: 1, startTime: '09:00', endTime: '13:00' }]);
    const held = await hold(id, '2027-03-08T15:00:00.000Z', '2027-03-08T16:00:00.000Z'); // 10:00–11:00
    const slots = await bookable(id, '2027-03-08', '2027-03-08');
    // 09:00 would end at 10:00 with no buffer before the held lesson; after it, the buffer runs to 11:15.
    expect(times(slots)).toEqual(['11:15', '11:30', '11:45', '12:00']);
    await expect(hold(id, slots[0]!.startsAt, slots[0]!.endsAt)).resolves.toMatchObject({ status: 'HELD' });
    expect(times(await bookable(id, '2027-03-08', '2027-03-08'))).toEqual([]);
    await bed.client.post('/internal/holds/release', { bookingId: held.bookingId });
    // The second hold (11:15–12:15, blocking to 12:30) still stands.
    expect(times(await bookable(id, '2027-03-08', '2027-03-08', 30))).toEqual(['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '12:30']);
  });

  it('interprets the dates in the asked timezone ("today" is the caller’s today) and shows local times there', async () => {
    const id = await teacherWith('2027-03-08', [{ dayOfWeek: 1, startTime: '09:00', endTime: '13:00' }]);
    const london = await bookable(id, '2027-03-08', '2027-03-08', 60, 'Europe/London');
    expect(london[0]).toMatchObject({ startsAt: '2027-03-08T14:00:00.000Z', localStartTime: '14:00', localDate: '2027-03-08', timezone: 'Europe/London' });
    // 14:00Z–18:00Z is Monday 23:00 to Tuesday 03:00 in Tokyo: Monday there has only the starts before midnight.
    expect(times(await bookable(id, '2027-03-08', '2027-03-08', 60, 'Asia/Tokyo'))).toEqual(['23:00', '23:15', '23:30', '23:45']);
    expect(times(await bookable(id, '2027-03-09', '2027-03-09', 60, 'Asia/Tokyo'))).toEqual(['00:00', '00:15', '00:30', '00:45', '01:00', '01:15', '01:30', '01:45', '02:00']);
  });

  it('on the spring-forward Sunday, the local clock skips 02:00–03:00', async () => {
    const id = await teacherWith('2027-03-08', [{ dayOfWeek: 7, startTime: '01:00', endTime: '04:00' }]);
    const slots = await bookable(id, '2027-03-14', '2027-03-14');
    expect(slots.map((s) => [s.startsAt, s.localStartsAt])).toEqual([
      ['2027-03-14T06:00:00.000Z', '2027-03-14T01:00:00.000-05:00'],
      ['2027-03-14T06:15:00.000Z', '2027-03-14T01:15:00.000-05:00'],
      ['2027-03-14T06:30:00.000Z', '2027-03-14T01:30:00.000-05:00'],
      ['2027-03-14T06:45:00.000Z', '2027-03-14T01:45:00.000-05:00'],
      ['2027-03-14T07:00:00.000Z', '2027-03-14T03:00:00.000-04:00'],
    ]);
  });

  it('an offline or unknown instructor has none', async () => {
    const id = await teacherWith('2027-03-08', [{ dayOfWeek: 1, startTime: '09:00', endTime: '13:00' }]);
    expect(times(await bookable(id, '2027-03-08', '2027-03-08'))).toHaveLength(13);
    // The same instructor and week, once the instructor went offline.
    await knownInstructor(bed.stack, { instructorId: id, userId: `bookable-${id}`, timezone: 'America/New_York', isLive: false, revision: 2 });
    expect(await bookable(id, '2027-03-08', '2027-03-08')).toEqual([]);
    expect(await bookable(randomUUID(), '2027-03-08', '2027-03-08')).toEqual([]);
  });
});

describe('failing bookable slots: bad input is BAD_USER_INPUT with a stable reason', () => {
  const id = randomUUID();
  it.each([
    ['a zero duration', [id, '2027-03-08', '2027-03-08', 0], 'INVALID_DURATION'],
    ['a negative duration', [id, '2027-03-08', '2027-03-08', -15], 'INVALID_DURATION'],
    ['a duration over 240', [id, '2027-03-08', '2027-03-08', 255], 'INVALID_DURATION'],
    ['a duration off the 15-minute grid', [id, '2027-03-08', '2027-03-08', 50], 'INVALID_DURATION'],
    ['from after to', [id, '2027-03-09', '2027-03-08', 60], 'INVALID_DATE_RANGE'],
    ['a range over 31 days', [id, '2027-03-01', '2027-04-01', 60], 'INVALID_DATE_RANGE'],
    ['a date that is not YYYY-MM-DD', [id, '03/08/2027', '2027-03-08', 60], 'INVALID_DATE'],
    ['a date that does not exist', [id, '2027-02-30', '2027-03-08', 60], 'INVALID_DATE'],
    ['an unknown timezone', [id, '2027-03-08', '2027-03-08', 60, 'Mars/Olympus'], 'INVALID_TIMEZONE'],
    ['an instructor id that is not a UUID', ['teacher-1', '2027-03-08', '2027-03-08', 60], 'INVALID_INSTRUCTOR_ID'],
  ] as const)('%s', async (_, args, reason) => {
    const [instructorId, from, to, duration, zone] = args as unknown as [string, string, string, number, string | undefined];
    expect(errorOf(await query(instructorId, from, to, duration, zone))).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it('accepts exactly 31 days', async () => {
    expect(await bookable(id, '2027-03-01', '2027-03-31')).toEqual([]);
  });
});
