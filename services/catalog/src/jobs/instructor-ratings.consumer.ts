import { ReviewEventType } from '@instainstru/events';
import { readModelWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import { applyReviewState } from '../domain/instructor-ratings.service';
import type { ReviewState } from '../domain/instructor-ratings.types';
import { PostgresInstructorRatingsUnitOfWork } from '../infra/instructor-ratings.repository';

/** Keeps instructors' ratings (the aggregates search ranks by) up to date from the review events; a worker of the catalog. */
export function instructorRatingsWorker(deps: ServiceDeps): Worker {
  return readModelWorker<ReviewState>(deps, {
    name: 'instructor-ratings',
    group: 'catalog.instructor-ratings',
    // Every review event carries the review's whole state and its version.
    stateEvents: Object.values(ReviewEventType),
    apply: (tx, state) => applyReviewState(new PostgresInstructorRatingsUnitOfWork(tx), state),
  });
}
