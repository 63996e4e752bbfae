import type { ServiceDeps, ServiceModule, SubgraphServer, Worker } from '@instainstru/platform';
import { buildReviewsServer } from './server';

/** The reviews service as the runtime, tests and seeds build it: only its subgraph so far. */
export type ReviewsModule = ServiceModule;

/** Reviews of lessons, resolvable by id and as federation entities; no background work yet. */
export function createReviewsModule(deps: ServiceDeps): ReviewsModule {
  return {
    subgraph: (): Promise<SubgraphServer> => buildReviewsServer(deps),
    workers: (): Worker[] => [],
  };
}
