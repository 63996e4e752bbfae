import { hasRole, type Caller } from '@instainstru/platform';
import { AvailabilityError, AvailabilityErrorCode } from './availability.errors';
import type { InstructorCalendar } from './availability.types';

export function instructorNotFound(instructorId: string): AvailabilityError {
  return new AvailabilityError(AvailabilityErrorCode.InstructorNotFound, `No instructor with id "${instructorId.slice(0, 64)}"`, { instructorId: instructorId.slice(0, 64) });
}

/**
 * Only the instructor themself (the account owning the profile, from the instructor events) or an
 * admin edits a calendar. An instructor the caller may not even see (unknown, or offline and not
 * theirs) is NOT_FOUND, indistinguishable from none; a visible one that is someone else's is FORBIDDEN.
 */
export function requireCalendarEditor(caller: Caller, calendar: InstructorCalendar | null, instructorId: string): InstructorCalendar {
  if (!caller.userId) throw new AvailabilityError(AvailabilityErrorCode.SignInRequired, 'Sign in first');
  if (!calendar) throw instructorNotFound(instructorId);
  if (caller.userId === calendar.userId || hasRole(caller, 'admin')) return calendar;
  if (!calendar.isLive) throw instructorNotFound(instructorId);
  throw new AvailabilityError(AvailabilityErrorCode.NotCalendarOwner, 'Only the instructor or an admin can change this calendar', { instructorId });
}
