import type { InstructorState, OfferedServiceState } from '@instainstru/events';
import type { InstructorOffering } from './booking.types';

/** The part of an instructor event's state booking reads. */
export type OfferingState = Pick<InstructorState, 'instructorId' | 'userId' | 'revision'> & {
  instructor: Pick<InstructorState['instructor'], 'isLive' | 'timezone'>;
  offeredServices: Pick<OfferedServiceState, 'serviceId' | 'hourlyRate' | 'durationsMinutes' | 'lessonModes'>[];
};

/** What booking keeps of an instructor: who they are, whether they are live, and what they offer on which terms. */
export function offeringOf(p: OfferingState): InstructorOffering {
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
  /** Stores the state unless the stored revision is newer (the same revision carries the same state; applied again, it backfills); true when stored. */
  applyIfNewer(offering: InstructorOffering): Promise<boolean>;
}

export function applyInstructorState(writer: InstructorOfferingsWriter, payload: OfferingState): Promise<boolean> {
  return writer.applyIfNewer(offeringOf(payload));
}
