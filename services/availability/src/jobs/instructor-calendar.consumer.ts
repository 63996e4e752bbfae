import { topicForEventType } from '@instainstru/events';
import { IdempotentConsumer, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState, type InstructorStatePayload } from '../domain/instructor-calendar';
import { PostgresCalendarRepository } from '../infra/calendar.repository';

/** The instructor events the read model is built from; every one carries the whole public state. */
export const INSTRUCTOR_STATE_EVENTS = [
  'instructor.profile-updated',
  'instructor.service-offered',
  'instructor.service-updated',
  'instructor.service-removed',
  'instructor.went-live',
  'instructor.went-offline',
] as const;

export const instructorCalendarGroup = (deps: ServiceDeps) => `${deps.config.kafka.topicPrefix}availability.instructor-calendar`;

/** Keeps availability's view of instructors (owner account, timezone, live, durations) from the instructor events. */
export function instructorCalendarWorker(deps: ServiceDeps): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorState(new PostgresCalendarRepository(tx), event.payload as InstructorStatePayload);
  };
  const topics = [topicForEventType(INSTRUCTOR_STATE_EVENTS[0], prefix)];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger: deps.logger.child({ component: 'instructor-calendar' }),
    metrics: deps.metrics,
    groupId: instructorCalendarGroup(deps),
    topics,
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
  });
  return {
    name: 'instructor-calendar',
    async start() {
      await deps.bus.ensureTopics(topics);
      await consumer.start();
    },
    stop: () => consumer.stop(),
  };
}
