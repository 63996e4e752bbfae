import { INSTRUCTOR_STATE_EVENTS, type InstructorState } from '@instainstru/events';
import { readModelWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState } from '../domain/instructor-calendar.service';
import { PostgresCalendarUnitOfWork } from '../infra/calendar.repository';

/** Keeps availability's view of instructors (owner account, timezone, live, durations) from the instructor events. */
export function instructorCalendarWorker(deps: ServiceDeps): Worker {
  return readModelWorker<InstructorState>(deps, {
    name: 'instructor-calendar',
    group: 'availability.instructor-calendar',
    stateEvents: INSTRUCTOR_STATE_EVENTS,
    apply: (tx, state) => applyInstructorState(new PostgresCalendarUnitOfWork(tx), state),
  });
}
