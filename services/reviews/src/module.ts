import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { ReviewsContext } from './context';
import { ReviewsService, type Clock } from './domain/reviews.service';
import { PostgresReviewRepository } from './infra/review.repository';
import { seedReviews, type SeedOfferedService, type SeedReviewedInstructor, type SeedReviewsOptions, type SeedReviewsResult } from './infra/seed/seed-reviews';
import { bookingLessonsWorker } from './jobs/booking-lessons.consumer';
import { loadReviewsConfig, type ReviewsConfig } from './reviews.config';
import { resolvers } from './resolvers';

export { loadReviewsConfig, type ReviewsConfig } from './reviews.config';
export type { SeedOfferedService, SeedReviewedInstructor, SeedReviewsOptions, SeedReviewsResult };

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface ReviewsModuleOptions {
  config?: ReviewsConfig;
  /** The service's clock (tests move it to open and close the review and edit windows). */
  clock?: Clock;
}

export interface ReviewsModule extends ServiceModule {
  /** The booking-events consumer alone (tests start it with their stack). */
  bookingLessonsWorker(): Worker;
  /** Rebuilds every rating aggregate from the reviews table; answers how many rows had drifted. */
  recomputeRatings(): Promise<{ drifted: number; instructors: number }>;
  /**
   * Demo completed lessons and reviews of the given live instructors, written as createReview
   * writes them (aggregates and events in the same transaction); running it again changes nothing.
   */
  seed(instructors: readonly SeedReviewedInstructor[], options?: SeedReviewsOptions): Promise<SeedReviewsResult>;
}

/** Reviews of completed lessons: the subgraph, and the worker keeping booking's lessons. */
export function createReviewsModule(deps: ServiceDeps, options: ReviewsModuleOptions = {}): ReviewsModule {
  const config = options.config ?? loadReviewsConfig();
  const clock = options.clock ?? (() => new Date());
  const repository = new PostgresReviewRepository(deps.db, deps.outbox);
  return {
    /** The reviews subgraph; it does not listen (runService does, tests mount it in-process). */
    subgraph: (): Promise<SubgraphServer> =>
      buildSubgraph<ReviewsContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({ caller, reviews: new ReviewsService(repository, config, clock, caller) }),
      }),
    workers: (): Worker[] => [bookingLessonsWorker(deps)],
    bookingLessonsWorker: () => bookingLessonsWorker(deps),
    recomputeRatings: () => repository.recomputeRatings(),
    seed: (instructors, seedOptions) => seedReviews({ db: deps.db, repository, windowDays: config.windowDays }, instructors, seedOptions),
  };
}
