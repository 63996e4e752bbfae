import { createServiceDeps, loadServiceConfig, runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildBookingServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('booking'), migrations);
  await runService({ deps, api: () => buildBookingServer(deps), workers: () => [] });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
