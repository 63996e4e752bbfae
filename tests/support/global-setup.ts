import { prepareTemplateDatabase, startInfrastructure, startTestRun } from '@instainstru/test-harness';
import { serviceMigrations } from '../../scripts/services';

/** Real infrastructure for the run, and the migrated template every test database is cloned from. */
export default async function globalSetup(): Promise<void> {
  const infrastructure = await startInfrastructure();
  (globalThis as { __infrastructure?: unknown }).__infrastructure = infrastructure;
  startTestRun();
  await prepareTemplateDatabase(serviceMigrations);
}
