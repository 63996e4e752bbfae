import { hasRole, type Caller } from '@instainstru/platform';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { InstructorProfile } from './instructor.types';

/** Who may see a profile: anyone when live; otherwise its own instructor and admins. */
export function canView(caller: Caller, profile: InstructorProfile): boolean {
  return profile.isLive || canSeePrivate(caller, profile);
}

/** Address, documents, Stripe ids and verification details: the instructor themself and admins. */
export function canSeePrivate(caller: Caller, profile: InstructorProfile): boolean {
  return hasRole(caller, 'admin') || (caller.userId !== null && caller.userId === profile.userId);
}

export function requireSignedIn(caller: Caller): string {
  if (!caller.userId) throw new InstructorError(InstructorErrorCode.SignInRequired, 'Sign in first');
  return caller.userId;
}

export function requireInstructorRole(caller: Caller): string {
  const userId = requireSignedIn(caller);
  if (!hasRole(caller, 'instructor')) throw new InstructorError(InstructorErrorCode.InstructorRoleRequired, 'Only instructors can do this');
  return userId;
}

export function requireAdmin(caller: Caller): string {
  const userId = requireSignedIn(caller);
  if (!hasRole(caller, 'admin')) throw new InstructorError(InstructorErrorCode.AdminOnly, 'Only admins can do this');
  return userId;
}

export function notFound(id: string): InstructorError {
  return new InstructorError(InstructorErrorCode.InstructorNotFound, `No instructor with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
}

/**
 * Only the instructor edits their own profile. A profile the caller may not even see is NOT_FOUND
 * (indistinguishable from none); a visible one that is someone else's is FORBIDDEN.
 */
export function requireOwner(caller: Caller, profile: InstructorProfile | null, id: string): InstructorProfile {
  requireSignedIn(caller);
  if (!profile || !canView(caller, profile)) throw notFound(id);
  if (caller.userId !== profile.userId) {
    throw new InstructorError(InstructorErrorCode.NotProfileOwner, 'Only the instructor can change their own profile', { id: profile.id });
  }
  return profile;
}

/** The owner, or an admin (for actions admins may take on anyone's behalf, such as going offline). */
export function requireOwnerOrAdmin(caller: Caller, profile: InstructorProfile | null, id: string): InstructorProfile {
  requireSignedIn(caller);
  if (!profile || !canView(caller, profile)) throw notFound(id);
  if (!canSeePrivate(caller, profile)) {
    throw new InstructorError(InstructorErrorCode.NotProfileOwner, 'Only the instructor or an admin can do this', { id: profile.id });
  }
  return profile;
}
