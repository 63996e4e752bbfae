import type { TimeSlot } from './availability.types';
import { assertTimezone, materialiseWeek } from './local-time.rules';

const iso = (zone: string, weekStart: string, slots: TimeSlot[]) =>
  materialiseWeek(weekStart, slots, zone).map((w) => [w.start.toISOString(), w.end.toISOString()]);
const sunday = (startTime: string, endTime: string): TimeSlot => ({ dayOfWeek: 7, startTime, endTime });

describe('local slots to real instants', () => {
  describe('America/New_York (spring forward 2027-03-14 02:00→03:00, fall back 2027-11-07 02:00→01:00)', () => {
    const zone = 'America/New_York';

    it('a slot inside the spring-forward gap covers no time', () => {
      expect(iso(zone, '2027-03-08', [sunday('02:00', '03:00')])).toEqual([]);
    });

    it('a slot across the gap covers only the real time (01:00 EST to 04:00 EDT is two hours)', () => {
      expect(iso(zone, '2027-03-08', [sunday('01:00', '04:00')])).toEqual([['2027-03-14T06:00:00.000Z', '2027-03-14T08:00:00.000Z']]);
      expect(iso(zone, '2027-03-08', [sunday('02:30', '04:00')])).toEqual([['2027-03-14T07:00:00.000Z', '2027-03-14T08:00:00.000Z']]);
    });

    it('the offset changes within the week: Monday is EST, Sunday is EDT', () => {
      expect(iso(zone, '2027-03-08', [{ dayOfWeek: 1, startTime: '09:00', endTime: '10:00' }, sunday('09:00', '10:00')])).toEqual([
        ['2027-03-08T14:00:00.000Z', '2027-03-08T15:00:00.000Z'],
        ['2027-03-14T13:00:00.000Z', '2027-03-14T14:00:00.000Z'],
      ]);
    });

    it('the repeated fall-back hour counts twice: 01:00–02:00 is two real hours', () => {
      expect(iso(zone, '2027-11-01', [sunday('01:00', '02:00')])).toEqual([['2027-11-07T05:00:00.000Z', '2027-11-07T07:00:00.000Z']]);
    });

    it('a boundary inside the repeated hour is its first occurrence', () => {
      expect(iso(zone, '2027-11-01', [sunday('00:00', '01:30')])).toEqual([['2027-11-07T04:00:00.000Z', '2027-11-07T05:30:00.000Z']]);
      expect(iso(zone, '2027-11-01', [{ dayOfWeek: 1, startTime: '09:00', endTime: '10:00' }, sunday('09:00', '10:00')])).toEqual([
        ['2027-11-01T13:00:00.000Z', '2027-11-01T14:00:00.000Z'],
        ['2027-11-07T14:00:00.000Z', '2027-11-07T15:00:00.000Z'],
      ]);
    });

    it('24:00 is the end of the day', () => {
      expect(iso(zone, '2027-03-08', [{ dayOfWeek: 1, startTime: '22:00', endTime: '24:00' }])).toEqual([['2027-03-09T03:00:00.000Z', '2027-03-09T05:00:00.000Z']]);
    });
  });

  describe('Europe/London (spring forward 2027-03-28 01:00→02:00, fall back 2027-10-31 02:00→01:00)', () => {
    const zone = 'Europe/London';

    it('a slot inside the spring-forward gap covers no time; one across it only the real time', () => {
      expect(iso(zone, '2027-03-22', [sunday('01:00', '02:00')])).toEqual([]);
      expect(iso(zone, '2027-03-22', [sunday('00:30', '02:30')])).toEqual([['2027-03-28T00:30:00.000Z', '2027-03-28T01:30:00.000Z']]);
    });

    it('the repeated fall-back hour counts twice', () => {
      expect(iso(zone, '2027-10-25', [sunday('01:00', '02:00')])).toEqual([['2027-10-31T00:00:00.000Z', '2027-10-31T02:00:00.000Z']]);
    });

    it('is not affected on New York’s change dates', () => {
      expect(iso(zone, '2027-03-08', [sunday('09:00', '10:00')])).toEqual([['2027-03-14T09:00:00.000Z', '2027-03-14T10:00:00.000Z']]);
    });
  });

  it('Asia/Kolkata (no DST, +05:30) is the same offset all year', () => {
    expect(iso('Asia/Kolkata', '2027-03-08', [sunday('09:00', '10:00')])).toEqual([['2027-03-14T03:30:00.000Z', '2027-03-14T04:30:00.000Z']]);
    expect(iso('Asia/Kolkata', '2027-11-01', [sunday('01:00', '02:00')])).toEqual([['2027-11-06T19:30:00.000Z', '2027-11-06T20:30:00.000Z']]);
  });

  it.each(['Mars/Olympus', 'EST5EDT+', '', 'x'.repeat(100)])('refuses the zone %p with BAD_USER_INPUT', (zone) => {
    expect(() => assertTimezone(zone)).toThrow(expect.objectContaining({ code: 'INVALID_TIMEZONE', apiCode: 'BAD_USER_INPUT' }));
  });
});
