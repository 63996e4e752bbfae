import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { ReviewsContext } from './context';
import { Reviews } from './domain/reviews.service';
import { PostgresReviewRepository } from './infra/review.repository';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the reviews subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildReviewsServer(deps: ServiceDeps): Promise<SubgraphServer> {
  const repository = new PostgresReviewRepository(deps.db);
  return buildSubgraph<ReviewsContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, reviews: new Reviews(repository) }),
  });
}
