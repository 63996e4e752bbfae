import type { InstructorState, OfferedServiceState } from '@instainstru/events';
import type { InstructorCalendar } from './availability.types';
import type { CalendarUnitOfWork } from './calendar.ports';

/** The part of an instructor event's state availability reads. */
export type CalendarState = Pick<InstructorState, 'instructorId' | 'userId' | 'revision'> & {
  instructor: Pick<InstructorState['instructor'], 'timezone' | 'isLive'>;
  offeredServices: Pick<OfferedServiceState, 'durationsMinutes'>[];
};

export function calendarOf(p: CalendarState): InstructorCalendar {
  const durations = [...new Set(p.offeredServices.flatMap((o) => o.durationsMinutes))].sort((a, b) => a - b);
  return { instructorId: p.instructorId, userId: p.userId, timezone: p.instructor.timezone, isLive: p.instructor.isLive, durationsMinutes: durations, revision: p.revision };
}

/**
 * Applies one instructor event to the read model; older and redelivered revisions change nothing.
 * A new timezone applies to weeks saved from then on: weeks already published keep the zone they
 * were published in (shown on the week) and their instants, so no held or booked lesson ever
 * falls outside availability because the instructor moved.
 */
export function applyInstructorState(repo: CalendarUnitOfWork, payload: CalendarState): Promise<boolean> {
  return repo.applyCalendarIfNewer(calendarOf(payload));
}
