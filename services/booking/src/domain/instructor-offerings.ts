import type { InstructorOffering, LessonMode } from './booking.types';

/** The instructor events booking's read model is built from; every one carries the whole public state. */
export const INSTRUCTOR_STATE_EVENTS = [
  'instructor.profile-updated',
  'instructor.service-offered',
  'instructor.service-updated',
  'instructor.service-removed',
  'instructor.went-live',
  'instructor.went-offline',
] as const;

/** The part of the instructor events' payload (schemas/events/instructor.*.v1.json) booking reads. */
export interface InstructorStatePayload {
  instructorId: string;
  userId: string;
  revision: number;
  instructor: { isLive: boolean; timezone: string };
  offeredServices: {
    serviceId: string;
    hourlyRate: { amountMinor: number; currency: string };
    durationsMinutes: number[];
    lessonModes: LessonMode[];
  }[];
}

/** What booking keeps of an instructor: who they are, whether they are live, and what they offer on which terms. */
export function offeringOf(p: InstructorStatePayload): InstructorOffering {
  return {
    instructorId: p.instructorId,
    userId: p.userId,
    isLive: p.instructor.isLive,
    timezone: p.instructor.timezone,
    revision: p.revision,
    offeredServices: p.offeredServices.map((s) => ({
      serviceId: s.serviceId,
      hourlyRate: { amountMinor: s.hourlyRate.amountMinor, currency: s.hourlyRate.currency },
      durationsMinutes: [...s.durationsMinutes],
      lessonModes: [...s.lessonModes],
    })),
  };
}

export interface InstructorOfferingsWriter {
  /** Stores the state unless a newer (or the same) revision is held; true when stored. */
  applyIfNewer(offering: InstructorOffering): Promise<boolean>;
}

export function applyInstructorState(writer: InstructorOfferingsWriter, payload: InstructorStatePayload): Promise<boolean> {
  return writer.applyIfNewer(offeringOf(payload));
}
