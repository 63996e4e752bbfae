import { INSTRUCTOR_STATE_EVENTS, type InstructorState } from '@instainstru/events';
import { readModelWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { KidsServicesCache } from '../domain/instructor-offerings.ports';
import { applyInstructorState } from '../domain/instructor-offerings.service';
import { PostgresInstructorOfferingsUnitOfWork } from '../infra/instructor-offerings.repository';

/** Keeps the instructor read model up to date from the instructor events; a worker of the catalog. */
export function instructorOfferingsWorker(deps: ServiceDeps, cache: KidsServicesCache): Worker {
  return readModelWorker<InstructorState>(deps, {
    name: 'instructor-offerings',
    group: 'catalog.instructor-offerings',
    stateEvents: INSTRUCTOR_STATE_EVENTS,
    apply: (tx, state) => applyInstructorState(new PostgresInstructorOfferingsUnitOfWork(tx), state),
    // The Kids services change only when a transaction commits; readers recompute after this.
    afterCommit: () => cache.invalidate(),
  });
}
