import { topicForEventType } from '@instainstru/events';
import { IdempotentConsumer, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState, INSTRUCTOR_STATE_EVENTS, type InstructorStatePayload } from '../domain/instructor-offerings';
import { PostgresInstructorOfferingsWriter } from '../infra/instructor-offerings.repository';

/** The consumer group, per topic prefix. */
export const instructorOfferingsGroup = (prefix: string) => `${prefix}booking.instructor-offerings`;

/** Keeps booking's read model of instructors (live, terms of each offered service) up to date; a worker. */
export function instructorOfferingsWorker(deps: ServiceDeps): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorState(new PostgresInstructorOfferingsWriter(tx), event.payload as InstructorStatePayload);
  };
  const topics = [topicForEventType(INSTRUCTOR_STATE_EVENTS[0], prefix)];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger: deps.logger.child({ component: 'instructor-offerings' }),
    metrics: deps.metrics,
    groupId: instructorOfferingsGroup(prefix),
    topics,
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
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
