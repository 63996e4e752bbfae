import type { AvailabilityConfig } from '../availability.config';
import { AvailabilityErrorCode, badInput } from './availability.errors';
import type { BookableSlot, CalendarStore, InstructorCalendar, Interval } from './availability.types';
import {
  bookableStarts,
  DEFAULT_DURATION_MINUTES,
  DEFAULT_NEXT_SLOTS,
  MAX_DURATION_MINUTES,
  MAX_NEXT_SLOTS,
  MAX_RANGE_DAYS,
  START_GRID_MINUTES,
} from './bookable-slots';
import { assertTimezone, localDaysSpan, localView, parseDate } from './local-time';
import { assertInstructorId } from './week-slots.rules';

const MINUTE = 60_000;

function assertDuration(durationMinutes: number): void {
  if (!Number.isInteger(durationMinutes) || durationMinutes <= 0 || durationMinutes > MAX_DURATION_MINUTES || durationMinutes % START_GRID_MINUTES !== 0) {
    throw badInput(AvailabilityErrorCode.InvalidDuration, 'durationMinutes', `must be a multiple of ${START_GRID_MINUTES} from ${START_GRID_MINUTES} to ${MAX_DURATION_MINUTES}`, {
      max: MAX_DURATION_MINUTES,
    });
  }
}

/**
 * What a student can book: published windows minus active holds and their buffers, from now plus
 * the minimum notice to now plus the booking horizon. An unknown or offline instructor has none.
 */
export class BookableSlots {
  constructor(
    private readonly store: CalendarStore,
    private readonly config: AvailabilityConfig,
    private readonly clock: () => Date,
  ) {}

  /** Starts on the local days `from`..`to` (at most 31) in `timezone` (default: the instructor's). */
  async between(instructorId: string, durationMinutes: number, from: string, to: string, timezone?: string | null): Promise<BookableSlot[]> {
    assertInstructorId(instructorId);
    assertDuration(durationMinutes);
    if (timezone != null) assertTimezone(timezone);
    const [first, last] = [parseDate(from, 'from'), parseDate(to, 'to')];
    if (first > last) throw badInput(AvailabilityErrorCode.InvalidDateRange, 'to', 'must not be before from');
    if (last.diff(first, 'days').days + 1 > MAX_RANGE_DAYS) {
      throw badInput(AvailabilityErrorCode.InvalidDateRange, 'to', `at most ${MAX_RANGE_DAYS} days from from`, { maxDays: MAX_RANGE_DAYS });
    }
    const calendar = await this.store.read.findCalendar(instructorId);
    if (!calendar?.isLive) return [];
    const zone = timezone ?? calendar.timezone;
    return this.search(calendar, localDaysSpan(first, last, zone), durationMinutes, zone);
  }

  /** The next `first` starts (default 5, at most 50) for a lesson of `durationMinutes` (default: the shortest offered, else 60). */
  async next(instructorId: string, first?: number | null, durationMinutes?: number | null): Promise<BookableSlot[]> {
    const limit = first ?? DEFAULT_NEXT_SLOTS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_NEXT_SLOTS) {
      throw badInput(AvailabilityErrorCode.InvalidFirst, 'first', `must be 1 to ${MAX_NEXT_SLOTS}`, { max: MAX_NEXT_SLOTS });
    }
    if (durationMinutes != null) assertDuration(durationMinutes);
    const calendar = await this.store.read.findCalendar(instructorId);
    if (!calendar?.isLive) return [];
    const duration = durationMinutes ?? calendar.durationsMinutes[0] ?? DEFAULT_DURATION_MINUTES;
    const now = this.clock();
    const span = { start: now, end: new Date(now.getTime() + (this.config.horizonDays * 24 * 60 + 1) * MINUTE) };
    return this.search(calendar, span, duration, calendar.timezone, limit);
  }

  private async search(calendar: InstructorCalendar, span: Interval, durationMinutes: number, zone: string, limit?: number): Promise<BookableSlot[]> {
    const now = this.clock().getTime();
    const earliestStart = new Date(Math.max(span.start.getTime(), now + this.config.minNoticeMinutes * MINUTE));
    const latestStart = new Date(Math.min(span.end.getTime() - 1, now + this.config.horizonDays * 24 * 60 * MINUTE));
    if (latestStart < earliestStart) return [];
    const reach = { start: earliestStart, end: new Date(latestStart.getTime() + (durationMinutes + this.config.bufferMinutes) * MINUTE) };
    const windows = await this.store.read.windowsOverlapping(calendar.instructorId, reach);
    const blocks = await this.store.read.activeBlocksOverlapping(calendar.instructorId, reach, new Date(now));
    const starts = bookableStarts(windows, blocks, { durationMinutes, bufferMinutes: this.config.bufferMinutes, earliestStart, latestStart, ...(limit ? { limit } : {}) });
    return starts.map((s) => ({ startsAt: s.start.toISOString(), endsAt: s.end.toISOString(), timezone: zone, ...localView(s.start, zone) }));
  }
}
