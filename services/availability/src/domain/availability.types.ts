/** A recurring window inside one week, in the instructor's local time; endTime may be "24:00". */
export interface TimeSlot {
  /** ISO day of week: 1 = Monday … 7 = Sunday. */
  dayOfWeek: number;
  startTime: string;
  endTime: string;
}

export interface AvailabilityWeek {
  instructorId: string;
  /** The Monday (instructor's local date) that starts the week, YYYY-MM-DD. */
  weekStart: string;
  /** The zone the slots were published in; null for a week never published. */
  timezone: string | null;
  slots: TimeSlot[];
  version: string;
}

/** A stretch of real time, [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** What availability knows of an instructor, from the instructor events. */
export interface InstructorCalendar {
  instructorId: string;
  /** The account owning the instructor profile (token subject). */
  userId: string;
  timezone: string;
  isLive: boolean;
  /** Every lesson length the instructor offers, ascending. */
  durationsMinutes: number[];
  revision: number;
}

export type HoldStatus = 'HELD' | 'CONFIRMED';

export interface SlotHold {
  bookingId: string;
  instructorId: string;
  startsAt: Date;
  endsAt: Date;
  status: HoldStatus;
  /** When an unconfirmed hold stops blocking; null once confirmed. */
  expiresAt: Date | null;
}

/** A held or booked lesson, as listed when a save would remove its time. */
export interface LessonInTheWay {
  bookingId: string;
  startsAt: string;
  endsAt: string;
}

/** One bookable lesson start. */
export interface BookableSlot {
  startsAt: string;
  endsAt: string;
  /** The start in the requested zone, ISO 8601 with its offset. */
  localStartsAt: string;
  localDate: string;
  localStartTime: string;
  timezone: string;
}

/** Reads and writes of the calendar; inside a transaction when obtained from `CalendarStore.transaction`. */
export interface CalendarRepository {
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

export interface CalendarStore {
  /** Reads outside any transaction. */
  read: CalendarRepository;
  transaction<T>(work: (repository: CalendarRepository) => Promise<T>): Promise<T>;
}
