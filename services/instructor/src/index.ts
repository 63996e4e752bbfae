import { createServiceDeps, loadServiceConfig, startService } from '@instainstru/platform';
import { migrations } from './migrations';
import { loadInstructorConfig } from './instructor.config';
import { buildInstructorServer, instructorWorkers } from './server';

async function main(): Promise<void> {
  const config = loadInstructorConfig();
  const deps = await createServiceDeps(loadServiceConfig('instructor'), migrations);
  await startService({ deps, api: () => buildInstructorServer(deps, config), workers: () => instructorWorkers(deps, config) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
