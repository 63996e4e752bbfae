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
