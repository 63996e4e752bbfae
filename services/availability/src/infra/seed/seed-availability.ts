import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Caller, Database } from '@instainstru/platform';
import { AvailabilityWeeks } from '../../domain/availability-weeks.service';
import type { TimeSlot } from '../../domain/availability.types';
import { PostgresCalendarRepository } from '../calendar.repository';

const days = (list: number[], startTime: string, endTime: string): TimeSlot[] => list.map((dayOfWeek) => ({ dayOfWeek, startTime, endTime }));

/** Weekly patterns demo instructors publish: after-school, daytime, mixed and weekend teachers. */
const PATTERNS: TimeSlot[][] = [
  [...days([1, 2, 3, 4, 5], '15:30', '19:30'), ...days([6], '09:00', '13:00')],
  [...days([2, 4], '10:00', '14:00'), ...days([2, 4], '17:00', '21:00'), ...days([7], '12:00', '16:00')],
  [...days([1, 3, 5], '08:00', '12:00'), ...days([6], '10:00', '16:00')],
  [...days([1, 2, 3, 4], '18:00', '21:00'), ...days([6, 7], '09:00', '12:00')],
];

const SEED_CALLER: Caller = { userId: 'seed', roles: ['admin'], requestId: 'seed-availability' };

/** The pattern of one instructor, the same on every run. */
function patternOf(instructorId: string): TimeSlot[] {
  return PATTERNS[createHash('sha256').update(instructorId).digest()[0]! % PATTERNS.length]!;
}

export interface SeedAvailabilityResult {
  instructors: number;
  weeksPublished: number;
  weeksKept: number;
}

/**
 * Publishes demo availability for every live instructor the calendar knows (from the instructor
 * events): the current week (in the instructor's zone) and the `weeks - 1` after it, through the
 * same use case instructors use. Weeks already published are kept as they are, so running it again
 * changes nothing and never touches an instructor's own edits.
 */
export async function seedAvailability(db: Database, options: { weeks: number; now?: Date }): Promise<SeedAvailabilityResult> {
  const weeks = new AvailabilityWeeks(new PostgresCalendarRepository(db), () => options.now ?? new Date());
  const instructors = await db.query<{ instructor_id: string; timezone: string }>(
    `select instructor_id, timezone from instructor_calendar where is_live order by instructor_id`,
  );
  let weeksPublished = 0;
  let weeksKept = 0;
  for (const { instructor_id: instructorId, timezone } of instructors) {
    const monday = DateTime.fromJSDate(options.now ?? new Date(), { zone: timezone }).startOf('week');
    for (let i = 0; i < options.weeks; i += 1) {
      const weekStart = monday.plus({ weeks: i }).toISODate()!;
      const current = await weeks.week(instructorId, weekStart);
      if (current.timezone !== null) {
        weeksKept += 1;
        continue;
      }
      await weeks.save(SEED_CALLER, { instructorId, weekStart, slots: patternOf(instructorId), expectedVersion: current.version, clearExisting: true });
      weeksPublished += 1;
    }
  }
  return { instructors: instructors.length, weeksPublished, weeksKept };
}
