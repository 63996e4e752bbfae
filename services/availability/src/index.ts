import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { loadAvailabilityConfig } from './availability.config';
import { migrations } from './migrations';
import { availabilityWorkers, buildAvailabilityServer } from './server';

async function main(): Promise<void> {
  const config = loadAvailabilityConfig();
  const deps = await createServiceDeps(loadServiceConfig('availability'), migrations);
  await startService({ deps, api: () => buildAvailabilityServer(deps, { config }), workers: () => availabilityWorkers(deps, { config }) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
