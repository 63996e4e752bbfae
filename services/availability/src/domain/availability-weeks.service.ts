import type { Caller } from '@instainstru/platform';
import { requireCalendarEditor } from './access.rules';
import { AvailabilityError, AvailabilityErrorCode, badInput } from './availability.errors';
import type { AvailabilityWeek, InstructorCalendar, LessonInTheWay, SlotHold, TimeSlot } from './availability.types';
import type { CalendarRepository, CalendarUnitOfWork } from './calendar.ports';
import { materialiseWeek } from './local-time.rules';
import { weekVersion } from './week-version.rules';
import { addWeeks, assertInstructorId, assertWeekStart, MAX_COPY_WEEKS, mergeSlots, validateSlots } from './week-slots.rules';

export interface SaveWeekInput {
  instructorId: string;
  weekStart: string;
  slots: TimeSlot[];
  expectedVersion: string;
  clearExisting: boolean;
}

const emptyWeek = (instructorId: string, weekStart: string): AvailabilityWeek => ({ instructorId, weekStart, timezone: null, slots: [], version: weekVersion(null, []) });

const lessonOf = (h: SlotHold): LessonInTheWay => ({ bookingId: h.bookingId, startsAt: h.startsAt.toISOString(), endsAt: h.endsAt.toISOString() });

function wouldRemoveBookedTime(lessons: LessonInTheWay[]): AvailabilityError {
  return new AvailabilityError(AvailabilityErrorCode.WouldRemoveBookedTime, 'The change would remove time under held or booked lessons', { lessons });
}

/**
 * Publishing weekly availability. A save replaces a whole week atomically, under the lock of the
 * instructor's calendar row (which holds also take), so a save and a hold of one instructor never
 * interleave: a hold is never left outside published availability.
 */
export class AvailabilityWeeks {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly clock: () => Date,
  ) {}

  async week(instructorId: string, weekStart: string): Promise<AvailabilityWeek> {
    assertInstructorId(instructorId);
    assertWeekStart(weekStart);
    return (await this.calendar.findWeek(instructorId, weekStart)) ?? emptyWeek(instructorId, weekStart);
  }

  /**
   * `clearExisting: true` makes the week exactly `slots` (empty slots clear it);
   * `clearExisting: false` adds `slots` to what the week has (overlapping or touching slots join),
   * and refuses empty `slots` as a probable mistake. A stale `expectedVersion` changes nothing.
   */
  async save(caller: Caller, input: SaveWeekInput): Promise<AvailabilityWeek> {
    assertInstructorId(input.instructorId);
    assertWeekStart(input.weekStart);
    const given = validateSlots(input.slots);
    if (!input.clearExisting && given.length === 0) {
      throw badInput(AvailabilityErrorCode.EmptyWeekWithoutClear, 'slots', 'empty slots only clear a week with clearExisting: true');
    }
    return this.calendar.transaction(async (repo) => {
      const calendar = requireCalendarEditor(caller, await repo.lockCalendar(input.instructorId), input.instructorId);
      const current = (await repo.findWeek(input.instructorId, input.weekStart)) ?? emptyWeek(input.instructorId, input.weekStart);
      if (current.version !== input.expectedVersion) {
        throw new AvailabilityError(AvailabilityErrorCode.StaleWeekVersion, 'The week changed since it was read; here is what it holds now', {
          currentVersion: current.version,
          currentSlots: current.slots,
          timezone: current.timezone,
        });
      }
      const slots = input.clearExisting ? given : mergeSlots(current.slots, given);
      const { week, inTheWay } = await this.replace(repo, calendar, input.weekStart, slots);
      if (inTheWay.length > 0) throw wouldRemoveBookedTime(inTheWay.map(lessonOf));
      return week;
    });
  }

  /**
   * Copies a week over the `weeks` following weeks (1..12), replacing each, all or nothing: when
   * any target would remove booked time, nothing is saved and every lesson in the way is listed.
   */
  async copy(caller: Caller, instructorId: string, fromWeekStart: string, weeks: number): Promise<AvailabilityWeek[]> {
    assertInstructorId(instructorId);
    assertWeekStart(fromWeekStart, 'fromWeekStart');
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > MAX_COPY_WEEKS) {
      throw badInput(AvailabilityErrorCode.InvalidCopyWeeks, 'weeks', `must be 1 to ${MAX_COPY_WEEKS}`, { max: MAX_COPY_WEEKS });
    }
    return this.calendar.transaction(async (repo) => {
      const calendar = requireCalendarEditor(caller, await repo.lockCalendar(instructorId), instructorId);
      const source = (await repo.findWeek(instructorId, fromWeekStart)) ?? emptyWeek(instructorId, fromWeekStart);
      const saved: AvailabilityWeek[] = [];
      const inTheWay: SlotHold[] = [];
      for (let i = 1; i <= weeks; i += 1) {
        const target = await this.replace(repo, calendar, addWeeks(fromWeekStart, i), source.slots);
        saved.push(target.week);
        inTheWay.push(...target.inTheWay);
      }
      if (inTheWay.length > 0) throw wouldRemoveBookedTime(inTheWay.map(lessonOf));
      return saved;
    });
  }

  /** Writes the week in the instructor's current zone; returns the active holds the new windows no longer cover. */
  private async replace(repo: CalendarUnitOfWork, calendar: InstructorCalendar, weekStart: string, slots: TimeSlot[]) {
    const { instructorId, timezone } = calendar;
    const before = await repo.activeHoldsInWeek(instructorId, weekStart, this.clock());
    const week = { instructorId, weekStart, timezone, slots, version: weekVersion(timezone, slots) };
    await repo.replaceWeek(week, materialiseWeek(weekStart, slots, timezone));
    const inTheWay = await repo.holdsOutsideWindows(instructorId, before.map((h) => h.bookingId));
    return { week, inTheWay };
  }
}
