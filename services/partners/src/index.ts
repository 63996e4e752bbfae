import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildPartnersServer, createPartnersModule, partnersWorkers } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('partners'), migrations);
  const parts = createPartnersModule(deps);
  await startService({ deps, api: () => buildPartnersServer(deps, parts), workers: () => partnersWorkers(deps, parts) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
