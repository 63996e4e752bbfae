import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildReviewsServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('reviews'), migrations);
  await startService({ deps, api: () => buildReviewsServer(deps), workers: () => [] });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
