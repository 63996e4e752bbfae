import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { CatalogContext } from './context';
import { CategoryQueries } from './domain/category.service';
import { InstructorDiscovery } from './domain/instructor-offerings.service';
import { InstructorSearch } from './domain/instructor-search.service';
import { SearchQueryParsing } from './domain/search-query-parser.service';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { PostgresInstructorOfferingsRepository } from './infra/instructor-offerings.repository';
import { PostgresInstructorSearchRepository } from './infra/instructor-search.repository';
import { kidsServicesCache } from './infra/redis';
import { ZipCentroidLocator } from './infra/zip-centroid.locator';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the catalog subgraph over the module's Redis client; it does not listen (see module.ts). */
export function buildCatalogServer(deps: ServiceDeps, redis: Redis): Promise<SubgraphServer> {
  const repository = new PostgresCatalogRepository(deps.db);
  const discovery = new InstructorDiscovery(new PostgresInstructorOfferingsRepository(deps.db), kidsServicesCache(deps, redis));
  const searchParsing = new SearchQueryParsing(repository);
  const search = new InstructorSearch(repository, new PostgresInstructorSearchRepository(deps.db), new ZipCentroidLocator());
  return buildSubgraph<CatalogContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, categories: new CategoryQueries(repository), discovery, searchParsing, search }),
    readiness: { redis: async () => void (await redis.ping()) },
  });
}
