import type { InstructorState, OfferedServiceState } from '@instainstru/events';
import type { InstructorOfferingsUnitOfWork } from './booking.ports';
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

export function applyInstructorState(unitOfWork: InstructorOfferingsUnitOfWork, payload: OfferingState): Promise<boolean> {
  return unitOfWork.applyIfNewer(offeringOf(payload));
}
