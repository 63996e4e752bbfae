import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { createCatalogRedis, kidsServicesCache } from './infra/redis';
import { instructorOfferingsWorker } from './jobs/instructor-offerings.consumer';
import { migrations } from './migrations';
import { buildCatalogServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('catalog'), migrations);
  const redis = createCatalogRedis(deps);
  await startService({
    deps,
    api: () => buildCatalogServer(deps, redis),
    workers: () => [instructorOfferingsWorker(deps, kidsServicesCache(deps, redis))],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
