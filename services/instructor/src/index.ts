import { createServiceDeps, loadServiceConfig, runService } from '@instainstru/platform';
import { migrations } from './migrations';
import { buildInstructorServer } from './server';

async function main(): Promise<void> {
  const deps = await createServiceDeps(loadServiceConfig('instructor'), migrations);
  await runService({ deps, api: () => buildInstructorServer(deps), workers: () => [] });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
