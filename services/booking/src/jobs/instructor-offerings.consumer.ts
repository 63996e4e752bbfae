import { INSTRUCTOR_STATE_EVENTS, type InstructorState } from '@instainstru/events';
import { readModelWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyInstructorState } from '../domain/instructor-offerings.service';
import { PostgresInstructorOfferingsUnitOfWork } from '../infra/instructor-offerings.repository';

/** The consumer group, per topic prefix. */
export const instructorOfferingsGroup = (prefix: string) => `${prefix}booking.instructor-offerings`;

/** Keeps booking's read model of instructors (live, terms of each offered service) up to date; a worker. */
export function instructorOfferingsWorker(deps: ServiceDeps): Worker {
  return readModelWorker<InstructorState>(deps, {
    name: 'instructor-offerings',
    group: 'booking.instructor-offerings',
    stateEvents: INSTRUCTOR_STATE_EVENTS,
    apply: (tx, state) => applyInstructorState(new PostgresInstructorOfferingsUnitOfWork(tx), state),
  });
}
