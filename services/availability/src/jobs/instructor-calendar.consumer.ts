import { INSTRUCTOR_STATE_EVENTS, type InstructorStatePayload } from '@instainstru/events';
import { eventConsumerWorker, type EventHandler, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState } from '../domain/instructor-calendar';
import { PostgresCalendarRepository } from '../infra/calendar.repository';

/** Keeps availability's view of instructors (owner account, timezone, live, durations) from the instructor events. */
export function instructorCalendarWorker(deps: ServiceDeps): Worker {
  const apply: EventHandler = async (tx, event) => {
    await applyInstructorState(new PostgresCalendarRepository(tx), event.payload as InstructorStatePayload);
  };
  return eventConsumerWorker(deps, {
    name: 'instructor-calendar',
    group: 'availability.instructor-calendar',
    handlers: Object.fromEntries(INSTRUCTOR_STATE_EVENTS.map((type) => [type, apply])),
  });
}
