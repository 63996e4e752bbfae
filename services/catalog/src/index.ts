import { createServiceDeps, loadServiceConfig, runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildCatalogServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('catalog'), migrations);
  await runService({ deps, api: () => buildCatalogServer(deps), workers: () => [] });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
