/**
 * The instructor events that carry an instructor's whole public state and its revision
 * (schemas/events/instructor.*.v1.json), so a consumer builds its read model from any one of them
 * and drops older revisions.
 */
export const INSTRUCTOR_STATE_EVENTS = [
  'instructor.profile-updated',
  'instructor.service-offered',
  'instructor.service-updated',
  'instructor.service-removed',
  'instructor.went-live',
  'instructor.went-offline',
] as const;

export type InstructorStateEventType = (typeof INSTRUCTOR_STATE_EVENTS)[number];

export type InstructorAgeGroup = 'kids' | 'teens' | 'adults';
export type InstructorLessonMode = 'at_studio' | 'at_student_place' | 'online';

/** One offered service as the instructor events carry it. */
export interface OfferedServiceState {
  offeredServiceId: string;
  serviceId: string;
  hourlyRate: { amountMinor: number; currency: string };
  durationsMinutes: number[];
  ageGroups: InstructorAgeGroup[];
  levels: ('beginner' | 'intermediate' | 'advanced')[];
  lessonModes: InstructorLessonMode[];
  travelRadiusMiles: number | null;
}

/** The state part of every instructor event's payload (validated against its schema before a handler sees it). */
export interface InstructorStatePayload {
  instructorId: string;
  /** The account owning the profile (token subject). */
  userId: string;
  revision: number;
  instructor: {
    displayName: string;
    bio: string | null;
    yearsOfExperience: number | null;
    timezone: string;
    isLive: boolean;
    hasPhoto: boolean;
    area: { city: string; state: string; postalCode: string } | null;
    location: { latitude: number; longitude: number } | null;
  };
  offeredServices: OfferedServiceState[];
}
