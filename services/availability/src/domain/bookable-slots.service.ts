import { isPageSize, isUuid } from '@instainstru/platform';
import type { AvailabilityConfig } from '../availability.config';
import { AvailabilityErrorCode, badInput } from './availability.errors';
import type { BookableSlot, InstructorCalendar, Interval } from './availability.types';
import type { CalendarRepository } from './calendar.ports';
import {
  bookableStarts,
  DEFAULT_DURATION_MINUTES,
  DEFAULT_NEXT_SLOTS,
  MAX_DURATION_MINUTES,
  MAX_NEXT_SLOTS,
  MAX_RANGE_DAYS,
  START_GRID_MINUTES,
} from './bookable-slots.rules';
import { assertTimezone, localDaysSpan, localView, parseDate } from './local-time.rules';
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
    private readonly calendar: CalendarRepository,
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
    const calendar = await this.calendar.findCalendar(instructorId);
    if (!calendar?.isLive) return [];
    const zone = timezone ?? calendar.timezone;
    return this.search(calendar, localDaysSpan(first, last, zone), durationMinutes, zone);
  }

  /**
   * Each instructor's next `first` starts (default 5, at most 50) for a lesson of `durationMinutes`
   * (default: their shortest offered, else 60), for a whole `_entities` batch in three queries
   * whatever its size: the calendars, the windows and the active holds over the horizon.
   */
  async nextForMany(requests: readonly NextSlotsRequest[]): Promise<BookableSlot[][]> {
    for (const { first, durationMinutes } of requests) {
      const limit = first ?? DEFAULT_NEXT_SLOTS;
      if (!isPageSize(limit)) {
        throw badInput(AvailabilityErrorCode.InvalidFirst, 'first', `must be 1 to ${MAX_NEXT_SLOTS}`, { max: MAX_NEXT_SLOTS });
      }
      if (durationMinutes != null) assertDuration(durationMinutes);
    }
    const ids = [...new Set(requests.map((r) => r.instructorId))].filter(isUuid);
    const calendars = new Map((await this.calendar.findCalendars(ids)).filter((c) => c.isLive).map((c) => [c.instructorId, c]));
    if (calendars.size === 0) return requests.map(() => []);
    const now = this.clock();
    const horizon = { start: now, end: new Date(now.getTime() + (this.config.horizonDays * 24 * 60 + 1) * MINUTE) };
    const reach = this.reach(horizon, MAX_DURATION_MINUTES);
    const live = [...calendars.keys()];
    const [windows, blocks] = reach
      ? await Promise.all([this.calendar.windowsOverlappingMany(live, reach.range), this.calendar.activeBlocksOverlappingMany(live, reach.range, now)])
      : [new Map<string, Interval[]>(), new Map<string, Interval[]>()];
    return requests.map(({ instructorId, first, durationMinutes }) => {
      const calendar = calendars.get(instructorId);
      if (!calendar) return [];
      const duration = durationMinutes ?? calendar.durationsMinutes[0] ?? DEFAULT_DURATION_MINUTES;
      return this.startsWithin(horizon, duration, calendar.timezone, windows.get(instructorId) ?? [], blocks.get(instructorId) ?? [], first ?? DEFAULT_NEXT_SLOTS);
    });
  }

  private async search(calendar: InstructorCalendar, span: Interval, durationMinutes: number, zone: string): Promise<BookableSlot[]> {
    const reach = this.reach(span, durationMinutes);
    if (!reach) return [];
    const windows = await this.calendar.windowsOverlapping(calendar.instructorId, reach.range);
    const blocks = await this.calendar.activeBlocksOverlapping(calendar.instructorId, reach.range, this.clock());
    return this.startsWithin(span, durationMinutes, zone, windows, blocks);
  }

  /** The starts `span` allows after minimum notice and before the horizon, and the time a lesson from them reaches; null when none. */
  private reach(span: Interval, durationMinutes: number): { earliestStart: Date; latestStart: Date; range: Interval } | null {
    const now = this.clock().getTime();
    const earliestStart = new Date(Math.max(span.start.getTime(), now + this.config.minNoticeMinutes * MINUTE));
    const latestStart = new Date(Math.min(span.end.getTime() - 1, now + this.config.horizonDays * 24 * 60 * MINUTE));
    if (latestStart < earliestStart) return null;
    return { earliestStart, latestStart, range: { start: earliestStart, end: new Date(latestStart.getTime() + (durationMinutes + this.config.bufferMinutes) * MINUTE) } };
  }

  private startsWithin(span: Interval, durationMinutes: number, zone: string, windows: Interval[], blocks: Interval[], limit?: number): BookableSlot[] {
    const reach = this.reach(span, durationMinutes);
    if (!reach) return [];
    const starts = bookableStarts(windows, blocks, {
      durationMinutes,
      bufferMinutes: this.config.bufferMinutes,
      earliestStart: reach.earliestStart,
      latestStart: reach.latestStart,
      ...(limit ? { limit } : {}),
    });
    return starts.map((s) => ({ startsAt: s.start.toISOString(), endsAt: s.end.toISOString(), timezone: zone, ...localView(s.start, zone) }));
  }
}

export interface NextSlotsRequest {
  instructorId: string;
  first?: number | null;
  durationMinutes?: number | null;
}
