import { INSTRUCTOR_STATE_EVENTS, type EventEnvelope, type InstructorStatePayload } from '@instainstru/events';
import { eventConsumerWorker, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorSnapshot, type InstructorSnapshot, type KidsServicesCache } from '../domain/instructor-offerings';
import { PostgresInstructorOfferingsWriter } from '../infra/instructor-offerings.repository';

export function snapshotOf(event: EventEnvelope): InstructorSnapshot {
  const p = event.payload as InstructorStatePayload;
  return {
    instructorId: p.instructorId,
    revision: p.revision,
    displayName: p.instructor.displayName,
    isLive: p.instructor.isLive,
    location: p.instructor.location,
    bio: p.instructor.bio,
    yearsOfExperience: p.instructor.yearsOfExperience,
    hasPhoto: p.instructor.hasPhoto,
    area: p.instructor.area,
    offeredServices: p.offeredServices.map((o) => ({
      offeredServiceId: o.offeredServiceId,
      serviceId: o.serviceId,
      ageGroups: o.ageGroups,
      hourlyRate: o.hourlyRate,
      lessonModes: o.lessonModes,
      durationsMinutes: o.durationsMinutes,
      levels: o.levels,
      travelRadiusMiles: o.travelRadiusMiles,
    })),
  };
}

/** Keeps the instructor read model up to date from the instructor events; a worker of the catalog. */
export function instructorOfferingsWorker(deps: ServiceDeps, cache: KidsServicesCache): Worker {
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorSnapshot(new PostgresInstructorOfferingsWriter(tx), snapshotOf(event));
  };
  return eventConsumerWorker(deps, {
    name: 'instructor-offerings',
    group: 'catalog.instructor-offerings',
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
    // The Kids services change only when a transaction commits; readers recompute after this.
    afterCommit: () => cache.invalidate(),
  });
}
