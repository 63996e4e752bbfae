import { DateTime, IANAZone } from 'luxon';
import { AvailabilityErrorCode, badInput } from './availability.errors';
import type { Interval, TimeSlot } from './availability.types';

/**
 * Local wall-clock time to real instants, with Luxon's IANA zone data.
 *
 * The rule for every boundary (slot start or end, start of a day): it is the FIRST instant at which
 * the local clock reads that time or later. So, on a day the clocks change:
 * - spring forward (e.g. New York 02:00→03:00): a local time inside the gap does not exist and
 *   moves to the end of the gap; a 02:00–03:00 slot covers no time at all (it stays in the week
 *   as published but materialises no window), 01:00–04:00 covers two real hours;
 * - fall back (e.g. New York 02:00→01:00): a repeated local time means its first occurrence; a
 *   01:00–02:00 slot runs from the first 01:00 to 02:00 (after the repeat), i.e. two real hours,
 *   while 00:00–01:30 ends at the first 01:30.
 */

const GRID_MINUTES = 15;

export function isValidTimezone(zone: string): boolean {
  return zone.length <= 64 && IANAZone.isValidZone(zone);
}

export function assertTimezone(zone: string, field = 'timezone'): string {
  if (!isValidTimezone(zone)) {
    throw badInput(AvailabilityErrorCode.InvalidTimezone, field, `"${zone.slice(0, 64)}" is not an IANA time zone`, { timezone: zone.slice(0, 64) });
  }
  return zone;
}

/** A calendar date YYYY-MM-DD (no zone attached), or BAD_USER_INPUT. */
export function parseDate(value: string, field: string): DateTime {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: 'UTC' }) : null;
  if (!date?.isValid) throw badInput(AvailabilityErrorCode.InvalidDate, field, `must be a date as YYYY-MM-DD, got "${value.slice(0, 32)}"`);
  return date;
}

/** Minutes after local midnight of "HH:MM" ("24:00" is the end of the day). */
export function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/** The first instant at which the clock in `zone` reads `minutes` past midnight of `date`, or later. */
export function firstInstantAt(date: DateTime, minutes: number, zone: string): DateTime {
  for (let m = minutes; m <= minutes + 24 * 60; m += GRID_MINUTES) {
    const wall = date.plus({ minutes: m });
    const fields = { year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute };
    const local = DateTime.fromObject(fields, { zone });
    const exists = local.year === wall.year && local.month === wall.month && local.day === wall.day && local.hour === wall.hour && local.minute === wall.minute;
    if (!exists) continue; // inside a spring-forward gap: the clock jumps past it
    return local.getPossibleOffsets().reduce((first, candidate) => (candidate.toMillis() < first.toMillis() ? candidate : first));
  }
  throw new Error(`No local time at or after ${minutes} minutes on ${date.toISODate()} in ${zone}`);
}

/** The week's slots as real instants in `zone`; slots that cover no real time (a spring-forward gap) give none. */
export function materialiseWeek(weekStart: string, slots: readonly TimeSlot[], zone: string): Interval[] {
  const monday = DateTime.fromISO(weekStart, { zone: 'UTC' });
  const windows: Interval[] = [];
  for (const slot of slots) {
    const day = monday.plus({ days: slot.dayOfWeek - 1 });
    const start = firstInstantAt(day, minutesOf(slot.startTime), zone);
    const end = firstInstantAt(day, minutesOf(slot.endTime), zone);
    if (end > start) windows.push({ start: start.toJSDate(), end: end.toJSDate() });
  }
  return windows.sort((a, b) => a.start.getTime() - b.start.getTime());
}

/** [first instant of `from`, first instant of the day after `to`) in `zone`. */
export function localDaysSpan(from: DateTime, to: DateTime, zone: string): Interval {
  return { start: firstInstantAt(from, 0, zone).toJSDate(), end: firstInstantAt(to.plus({ days: 1 }), 0, zone).toJSDate() };
}

/** The Monday of the week containing `instant` in `zone`, YYYY-MM-DD. */
export function localWeekStartOf(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).startOf('week').toISODate()!;
}

export function localView(instant: Date, zone: string): { localStartsAt: string; localDate: string; localStartTime: string } {
  const local = DateTime.fromJSDate(instant, { zone });
  return { localStartsAt: local.toISO()!, localDate: local.toISODate()!, localStartTime: local.toFormat('HH:mm') };
}
