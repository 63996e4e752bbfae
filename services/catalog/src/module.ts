import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { CatalogContext } from './context';
import type { CatalogService } from './domain/catalog.types';
import { CategoryQueries } from './domain/category.service';
import type { KidsServicesCache } from './domain/instructor-offerings.ports';
import { InstructorDiscovery } from './domain/instructor-offerings.service';
import { InstructorSearch } from './domain/instructor-search.service';
import { SearchQueryParsing } from './domain/search-query-parser.service';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { PostgresInstructorOfferingsRepository } from './infra/instructor-offerings.repository';
import { PostgresInstructorSearchRepository } from './infra/instructor-search.repository';
import { createCatalogRedis, kidsServicesCache } from './infra/redis';
import { seedCatalog } from './infra/seed/seed-catalog';
import { ZipCentroidLocator } from './infra/zip-centroid.locator';
import { instructorOfferingsWorker } from './jobs/instructor-offerings.consumer';
import { instructorRatingsWorker } from './jobs/instructor-ratings.consumer';
import { resolvers } from './resolvers';

export type { CatalogService } from './domain/catalog.types';
export type { KidsServicesCache } from './domain/instructor-offerings.ports';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface CatalogModuleOptions {
  /** The Redis client of the discovery caches; by default the module's own, created on first use and closed with the service. */
  redis?: Redis;
}

/** A service of the catalog with the slug of its category, as other services' seeds refer to it. */
export interface CatalogServiceListing {
  id: string;
  name: string;
  categorySlug: string;
}

export interface CatalogModule extends ServiceModule {
  /** The Redis client the subgraph and the workers share (the discovery caches live there). */
  readonly redis: Redis;
  /** Upserts the demo categories and services by slug; running it again changes nothing. */
  seed(): Promise<{ categories: number; services: number }>;
  /** Every service with its category's slug, for the other services' seeds to refer to. */
  listServices(): Promise<CatalogServiceListing[]>;
  /** The cache of kidsAvailableServices, under the environment's key prefix unless given another (tests and the discovery bench keep theirs apart). */
  kidsServicesCache(namespace?: string): KidsServicesCache;
  /** kidsAvailableServices computed from the read model in Postgres, past the cache (the discovery bench times it against a cache hit). */
  kidsAvailableServicesUncached(): Promise<CatalogService[]>;
}

/** The catalog: categories and services, instructor discovery and search, and the read models of instructors and their ratings feeding them. */
export function createCatalogModule(deps: ServiceDeps, options: CatalogModuleOptions = {}): CatalogModule {
  let redis = options.redis;
  const sharedRedis = () => (redis ??= createCatalogRedis(deps));
  const repository = new PostgresCatalogRepository(deps.db);
  const offerings = new PostgresInstructorOfferingsRepository(deps.db);
  return {
    get redis() {
      return sharedRedis();
    },

    /** The catalog subgraph over the module's Redis client (readiness pings it); it does not listen. */
    subgraph(): Promise<SubgraphServer> {
      const discovery = new InstructorDiscovery(offerings, kidsServicesCache(deps, sharedRedis()));
      const searchParsing = new SearchQueryParsing(repository);
      const search = new InstructorSearch(repository, new PostgresInstructorSearchRepository(deps.db), new ZipCentroidLocator());
      return buildSubgraph<CatalogContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({ caller, categories: new CategoryQueries(repository), discovery, searchParsing, search }),
        readiness: { redis: async () => void (await sharedRedis().ping()) },
      });
    },

    /** The worker role: the read model of instructors, invalidating the Kids cache after each commit, and their ratings from the reviews. */
    workers: (): Worker[] => [instructorOfferingsWorker(deps, kidsServicesCache(deps, sharedRedis())), instructorRatingsWorker(deps)],
    seed: () => seedCatalog(deps.db),
    async listServices() {
      const categories = await repository.listCategories();
      const slugOf = new Map(categories.map((c) => [c.id, c.slug]));
      return (await repository.listServicesOfCategories(categories.map((c) => c.id))).map((s) => ({ id: s.id, name: s.name, categorySlug: slugOf.get(s.categoryId)! }));
    },
    kidsServicesCache: (namespace) => kidsServicesCache(deps, sharedRedis(), namespace),
    kidsAvailableServicesUncached: () => offerings.kidsAvailableServices(),
  };
}
