import { createServiceDeps, loadServiceConfig, runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildAvailabilityServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('availability'), migrations);
  await runService({ deps, api: () => buildAvailabilityServer(deps), workers: () => [] });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
