import type { AvailabilityWeek, InstructorCalendar, Interval, SlotHold } from './availability.types';

/** Reads and writes of the calendar inside one transaction (handed by `CalendarRepository.transaction`, or by an event consumer's transaction). */
export interface CalendarUnitOfWork {
  findCalendar(instructorId: string): Promise<InstructorCalendar | null>;
  findCalendars(instructorIds: readonly string[]): Promise<InstructorCalendar[]>;
  /** The instructor's calendar row, locked until the transaction ends: saves and holds of one instructor serialise on it. */
  lockCalendar(instructorId: string): Promise<InstructorCalendar | null>;
  /**
   * Stores the snapshot unless the stored revision is newer (false then). The same revision is
   * applied again: it carries the same state, and a republished state backfills new columns.
   */
  applyCalendarIfNewer(calendar: InstructorCalendar): Promise<boolean>;

  findWeek(instructorId: string, weekStart: string): Promise<AvailabilityWeek | null>;
  /** Replaces the week's row and its materialised windows. */
  replaceWeek(week: AvailabilityWeek & { timezone: string }, windows: Interval[]): Promise<void>;
  /** Active holds (confirmed, or held and not expired at `now`) overlapping the week's stored windows. */
  activeHoldsInWeek(instructorId: string, weekStart: string, now: Date): Promise<SlotHold[]>;
  /** Of the given holds, those not fully inside the instructor's windows as stored now. */
  holdsOutsideWindows(instructorId: string, bookingIds: string[]): Promise<SlotHold[]>;
  /** Whether [start, end) lies inside the union of the instructor's windows (adjacent windows join). */
  isInsideWindows(instructorId: string, range: Interval): Promise<boolean>;
  /** The instructor's windows overlapping `range`, adjacent ones joined, in order. */
  windowsOverlapping(instructorId: string, range: Interval): Promise<Interval[]>;
  /** windowsOverlapping for several instructors in one query, by instructor id. */
  windowsOverlappingMany(instructorIds: readonly string[], range: Interval): Promise<Map<string, Interval[]>>;
  /** The blocked ranges (lesson plus buffer) of active holds overlapping `range`. */
  activeBlocksOverlapping(instructorId: string, range: Interval, now: Date): Promise<Interval[]>;
  /** activeBlocksOverlapping for several instructors in one query, by instructor id. */
  activeBlocksOverlappingMany(instructorIds: readonly string[], range: Interval, now: Date): Promise<Map<string, Interval[]>>;

  findHold(bookingId: string): Promise<SlotHold | null>;
  /** Inserts a hold blocking [startsAt, endsAt + buffer); false when the exclusion constraint refused it. */
  insertHold(hold: SlotHold, bufferMinutes: number): Promise<boolean>;
  deleteHold(bookingId: string): Promise<boolean>;
  /** Deletes unconfirmed holds expired at `now` (of one instructor, or all); returns how many. */
  deleteExpiredHolds(now: Date, instructorId?: string): Promise<number>;
  /** Makes the hold permanent; false when there is no hold for the booking. */
  confirmHold(bookingId: string): Promise<boolean>;
}

/**
 * The calendar's database access: every method of the unit of work as its own statement (reads, and
 * the single-statement release and sweep of holds), and `transaction(work)` for writes that belong together.
 */
export interface CalendarRepository extends CalendarUnitOfWork {
  transaction<T>(work: (uow: CalendarUnitOfWork) => Promise<T>): Promise<T>;
}
