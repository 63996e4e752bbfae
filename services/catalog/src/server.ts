import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { CatalogContext } from './context';
import { CategoryQueries } from './domain/category.service';
import { InstructorDiscovery } from './domain/instructor-offerings';
import { InstructorSearch } from './domain/instructor-search';
import { SearchQueryParsing } from './domain/search-query-parser.service';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { PostgresInstructorOfferingsReader } from './infra/instructor-offerings.repository';
import { PostgresInstructorSearchReader } from './infra/instructor-search.repository';
import { createCatalogRedis, kidsServicesCache } from './infra/redis';
import { ZipCentroidLocator } from './infra/zip-centroid.locator';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/**
 * Builds the catalog subgraph; it does not listen (index.ts does, tests mount it in-process).
 * The Redis client is the process's shared one when given, else its own; either closes with the service.
 */
export function buildCatalogServer(deps: ServiceDeps, redis: Redis = createCatalogRedis(deps)): Promise<SubgraphServer> {
  const repository = new PostgresCatalogRepository(deps.db);
  const discovery = new InstructorDiscovery(new PostgresInstructorOfferingsReader(deps.db), kidsServicesCache(deps, redis));
  const searchParsing = new SearchQueryParsing(repository);
  const search = new InstructorSearch(repository, new PostgresInstructorSearchReader(deps.db), new ZipCentroidLocator());
  return buildSubgraph<CatalogContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, categories: new CategoryQueries(repository), discovery, searchParsing, search }),
    readiness: { redis: async () => void (await redis.ping()) },
  });
}
