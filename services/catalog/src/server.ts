import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { CatalogContext } from './context';
import { CategoryQueries } from './domain/category.service';
import { InstructorDiscovery } from './domain/instructor-offerings';
import { SearchQueryParsing } from './domain/search-query-parser.service';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { PostgresInstructorOfferingsReader } from './infra/instructor-offerings.repository';
import { createCatalogRedis, kidsServicesCache } from './infra/redis';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/**
 * Builds the catalog subgraph; it does not listen (index.ts does, tests mount it in-process).
 * Without a Redis client given, it opens its own and closes it when drained.
 */
export async function buildCatalogServer(deps: ServiceDeps, sharedRedis?: Redis): Promise<SubgraphServer> {
  const redis = sharedRedis ?? createCatalogRedis(deps);
  const repository = new PostgresCatalogRepository(deps.db);
  const discovery = new InstructorDiscovery(new PostgresInstructorOfferingsReader(deps.db), kidsServicesCache(deps, redis));
  const searchParsing = new SearchQueryParsing(repository);
  const server = await buildSubgraph<CatalogContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, categories: new CategoryQueries(repository), discovery, searchParsing }),
    readiness: { redis: async () => void (await redis.ping()) },
  });
  if (sharedRedis) return server;
  return {
    ...server,
    async drain() {
      await server.drain();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
