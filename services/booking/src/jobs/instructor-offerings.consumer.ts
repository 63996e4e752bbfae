import { INSTRUCTOR_STATE_EVENTS, type InstructorStatePayload } from '@instainstru/events';
import { eventConsumerWorker, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState } from '../domain/instructor-offerings';
import { PostgresInstructorOfferingsWriter } from '../infra/instructor-offerings.repository';

/** The consumer group, per topic prefix. */
export const instructorOfferingsGroup = (prefix: string) => `${prefix}booking.instructor-offerings`;

/** Keeps booking's read model of instructors (live, terms of each offered service) up to date; a worker. */
export function instructorOfferingsWorker(deps: ServiceDeps): Worker {
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorState(new PostgresInstructorOfferingsWriter(tx), event.payload as InstructorStatePayload);
  };
  return eventConsumerWorker(deps, {
    name: 'instructor-offerings',
    group: 'booking.instructor-offerings',
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
  });
}
