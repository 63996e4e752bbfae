import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { ReviewsContext } from './context';
import { Reviews } from './domain/reviews.service';
import { PostgresReviewRepository } from './infra/review.repository';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** The reviews service as the runtime, tests and seeds build it: only its subgraph so far. */
export type ReviewsModule = ServiceModule;

/** Reviews of lessons, resolvable by id and as federation entities; no background work yet. */
export function createReviewsModule(deps: ServiceDeps): ReviewsModule {
  const repository = new PostgresReviewRepository(deps.db);
  return {
    /** The reviews subgraph; it does not listen (runService does, tests mount it in-process). */
    subgraph: (): Promise<SubgraphServer> =>
      buildSubgraph<ReviewsContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({ caller, reviews: new Reviews(repository) }),
      }),
    workers: (): Worker[] => [],
  };
}
