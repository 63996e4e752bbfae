import { DateTime } from 'luxon';
import { isUuid } from '@instainstru/platform';
import { AvailabilityErrorCode, badInput } from './availability.errors';
import type { TimeSlot } from './availability.types';
import { minutesOf } from './local-time.rules';

/** A week holds at most this many slots (ten a day, on average). */
export const MAX_SLOTS_PER_WEEK = 70;
/** copyAvailabilityWeek copies a week over 1..12 following weeks. */
export const MAX_COPY_WEEKS = 12;

const START = /^([01]\d|2[0-3]):(00|15|30|45)$/;
const END = /^(([01]\d|2[0-3]):(00|15|30|45)|24:00)$/;

export function assertInstructorId(instructorId: string): void {
  if (!isUuid(instructorId)) throw badInput(AvailabilityErrorCode.InvalidInstructorId, 'instructorId', 'must be a UUID', { instructorId: instructorId.slice(0, 64) });
}

/** A week starts on a Monday, given as a calendar date YYYY-MM-DD. */
export function assertWeekStart(weekStart: string, field = 'weekStart'): void {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(weekStart) ? DateTime.fromISO(weekStart, { zone: 'UTC' }) : null;
  if (!date?.isValid || date.weekday !== 1) {
    throw badInput(AvailabilityErrorCode.InvalidWeekStart, field, `must be a Monday as YYYY-MM-DD, got "${weekStart.slice(0, 32)}"`, { weekStart: weekStart.slice(0, 32) });
  }
}

export function addWeeks(weekStart: string, weeks: number): string {
  return DateTime.fromISO(weekStart, { zone: 'UTC' }).plus({ weeks }).toISODate()!;
}

const byDayAndStart = (a: TimeSlot, b: TimeSlot) => a.dayOfWeek - b.dayOfWeek || minutesOf(a.startTime) - minutesOf(b.startTime);

/**
 * Checks a week's slots: ISO day 1..7, HH:MM on the 15-minute grid ("24:00" only as an end), end
 * after start, no two slots of one day overlapping (touching is fine), at most MAX_SLOTS_PER_WEEK.
 * Returns them in canonical order.
 */
export function validateSlots(slots: readonly TimeSlot[]): TimeSlot[] {
  if (slots.length > MAX_SLOTS_PER_WEEK) {
    throw badInput(AvailabilityErrorCode.TooManySlots, 'slots', `at most ${MAX_SLOTS_PER_WEEK} slots a week`, { max: MAX_SLOTS_PER_WEEK, count: slots.length });
  }
  slots.forEach((slot, i) => {
    if (!Number.isInteger(slot.dayOfWeek) || slot.dayOfWeek < 1 || slot.dayOfWeek > 7) {
      throw badInput(AvailabilityErrorCode.InvalidSlot, `slots[${i}].dayOfWeek`, 'must be 1 (Monday) to 7 (Sunday)');
    }
    if (!START.test(slot.startTime)) throw badInput(AvailabilityErrorCode.InvalidSlot, `slots[${i}].startTime`, 'must be HH:MM on the 15-minute grid, 00:00 to 23:45');
    if (!END.test(slot.endTime)) throw badInput(AvailabilityErrorCode.InvalidSlot, `slots[${i}].endTime`, 'must be HH:MM on the 15-minute grid, 00:15 to 24:00');
    if (minutesOf(slot.endTime) <= minutesOf(slot.startTime)) throw badInput(AvailabilityErrorCode.InvalidSlot, `slots[${i}]`, 'endTime must be after startTime');
  });
  const sorted = slots.map((s) => ({ dayOfWeek: s.dayOfWeek, startTime: s.startTime, endTime: s.endTime })).sort(byDayAndStart);
  for (let i = 1; i < sorted.length; i += 1) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a.dayOfWeek === b.dayOfWeek && minutesOf(b.startTime) < minutesOf(a.endTime)) {
      throw badInput(AvailabilityErrorCode.OverlappingSlots, 'slots', `two slots of day ${a.dayOfWeek} overlap`, { dayOfWeek: a.dayOfWeek, overlapping: [a, b] });
    }
  }
  return sorted;
}

/** The union of two weeks' slots: overlapping or touching slots of a day become one. */
export function mergeSlots(existing: readonly TimeSlot[], added: readonly TimeSlot[]): TimeSlot[] {
  const merged: TimeSlot[] = [];
  for (const slot of [...existing, ...added].sort(byDayAndStart)) {
    const last = merged.at(-1);
    if (last && last.dayOfWeek === slot.dayOfWeek && minutesOf(slot.startTime) <= minutesOf(last.endTime)) {
      if (minutesOf(slot.endTime) > minutesOf(last.endTime)) last.endTime = slot.endTime;
    } else {
      merged.push({ ...slot });
    }
  }
  return merged;
}
