import { topicForEventType, type EventEnvelope } from '@instainstru/events';
import { IdempotentConsumer, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorSnapshot, type InstructorSnapshot, type KidsServicesCache } from '../domain/instructor-offerings';
import { PostgresInstructorOfferingsWriter } from '../infra/instructor-offerings.repository';

/** The instructor events the read model is built from; every one carries the whole public state. */
export const INSTRUCTOR_STATE_EVENTS = [
  'instructor.profile-updated',
  'instructor.service-offered',
  'instructor.service-updated',
  'instructor.service-removed',
  'instructor.went-live',
  'instructor.went-offline',
] as const;

/** The part of the instructor events' payload (schemas/events/instructor.*.v1.json) the catalog reads. */
interface InstructorStatePayload {
  instructorId: string;
  revision: number;
  instructor: Pick<InstructorSnapshot, 'displayName' | 'isLive' | 'location' | 'bio' | 'yearsOfExperience' | 'hasPhoto' | 'area'>;
  /** The event's offered services carry (at least) every field the read model keeps. */
  offeredServices: InstructorSnapshot['offeredServices'];
}

export function snapshotOf(event: EventEnvelope): InstructorSnapshot {
  const p = event.payload as InstructorStatePayload;
  return {
    instructorId: p.instructorId,
    revision: p.revision,
    displayName: p.instructor.displayName,
    isLive: p.instructor.isLive,
    location: p.instructor.location,
    bio: p.instructor.bio ?? null,
    yearsOfExperience: p.instructor.yearsOfExperience ?? null,
    hasPhoto: p.instructor.hasPhoto ?? false,
    area: p.instructor.area ?? null,
    offeredServices: p.offeredServices.map((o) => ({
      offeredServiceId: o.offeredServiceId,
      serviceId: o.serviceId,
      ageGroups: o.ageGroups,
      hourlyRate: o.hourlyRate,
      lessonModes: o.lessonModes,
      durationsMinutes: o.durationsMinutes ?? [],
      levels: o.levels ?? [],
      travelRadiusMiles: o.travelRadiusMiles ?? null,
    })),
  };
}

/** Keeps the instructor read model up to date from the instructor events; a worker of the catalog. */
export function instructorOfferingsWorker(deps: ServiceDeps, cache: KidsServicesCache): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorSnapshot(new PostgresInstructorOfferingsWriter(tx), snapshotOf(event));
  };
  const topics = [topicForEventType(INSTRUCTOR_STATE_EVENTS[0], prefix)];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger: deps.logger.child({ component: 'instructor-offerings' }),
    metrics: deps.metrics,
    groupId: `${prefix}catalog.instructor-offerings`,
    topics,
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
    // The Kids services change only when a transaction commits; readers recompute after this.
    afterCommit: () => cache.invalidate(),
  });
  return {
    name: 'instructor-offerings',
    async start() {
      await deps.bus.ensureTopics(topics);
      await consumer.start();
    },
    stop: () => consumer.stop(),
  };
}
