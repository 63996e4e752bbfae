import type { Redis } from 'ioredis';
import type { Database, ServiceDeps, ServiceModule, SubgraphServer, Worker } from '@instainstru/platform';
import type { KidsServicesCache } from './domain/instructor-offerings.ports';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { createCatalogRedis, kidsServicesCache } from './infra/redis';
import { seedCatalog } from './infra/seed/seed-catalog';
import { instructorOfferingsWorker } from './jobs/instructor-offerings.consumer';
import { buildCatalogServer } from './server';

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
  /** The cache of kidsAvailableServices, under the environment's key prefix unless given another (tests keep theirs apart). */
  kidsServicesCache(namespace?: string): KidsServicesCache;
}

/** The catalog: categories and services, instructor discovery and search, and the read model of instructors feeding them. */
export function createCatalogModule(deps: ServiceDeps, options: CatalogModuleOptions = {}): CatalogModule {
  let redis = options.redis;
  const sharedRedis = () => (redis ??= createCatalogRedis(deps));
  return {
    get redis() {
      return sharedRedis();
    },
    subgraph: (): Promise<SubgraphServer> => buildCatalogServer(deps, sharedRedis()),
    workers: (): Worker[] => [instructorOfferingsWorker(deps, kidsServicesCache(deps, sharedRedis()))],
    seed: () => seedCatalog(deps.db),
    kidsServicesCache: (namespace) => kidsServicesCache(deps, sharedRedis(), namespace),
  };
}

/** `CatalogModule.seed` for a process that holds only the catalog's database (the seed script, seed tests). */
export { seedCatalog };

/** Every service with its category's slug, read with the catalog's code, for the other services' seeds. */
export async function listCatalogServices(db: Database): Promise<CatalogServiceListing[]> {
  const repository = new PostgresCatalogRepository(db);
  const categories = await repository.listCategories();
  const slugOf = new Map(categories.map((c) => [c.id, c.slug]));
  return (await repository.listServicesOfCategories(categories.map((c) => c.id))).map((s) => ({ id: s.id, name: s.name, categorySlug: slugOf.get(s.categoryId)! }));
}
