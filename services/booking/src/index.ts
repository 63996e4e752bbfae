import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { migrations } from './migrations';
import { bookingWorkers, buildBookingServer, createBookingModule } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('booking'), migrations);
  const parts = createBookingModule(deps);
  await startService({ deps, api: () => buildBookingServer(deps, parts), workers: () => bookingWorkers(deps, parts) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
