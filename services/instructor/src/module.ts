import type { Database, Outbox, ServiceDeps, ServiceModule, SubgraphServer, Worker } from '@instainstru/platform';
import { republishInstructorState } from './infra/maintenance/republish-state';
import { demoInstructors, seedInstructors, type SeedCatalogService, type SeedInstructorsOptions, type SeedInstructorsResult } from './infra/seed/seed-instructors';
import { S3DocumentStorage } from './infra/storage/s3-document-storage';
import { loadInstructorConfig, type InstructorConfig } from './instructor.config';
import { buildInstructorServer, instructorWorkers } from './server';

export interface InstructorModuleOptions {
  /** The service's own settings (Stripe, object storage, geocoding, upload windows); by default read from the environment. Tests narrow the upload windows here. */
  config?: InstructorConfig;
}

export interface InstructorModule extends ServiceModule {
  /** The settings the module runs with. */
  readonly config: InstructorConfig;
  /** Creates the demo instructors through the domain, referring to the catalog's services; running it again changes nothing. */
  seed(services: SeedCatalogService[], options?: SeedInstructorsOptions): Promise<SeedInstructorsResult>;
  /** Publishes every instructor's current state again (same revisions), for a read model that missed the events. */
  republishState(batchSize?: number): Promise<number>;
}

/** The instructor service: profiles, offered services, verification and going live, with its Stripe webhook and the sweep of unconfirmed uploads. */
export function createInstructorModule(deps: ServiceDeps, options: InstructorModuleOptions = {}): InstructorModule {
  const config = options.config ?? loadInstructorConfig();
  return {
    config,
    subgraph: (): Promise<SubgraphServer> => buildInstructorServer(deps, config),
    workers: (): Worker[] => instructorWorkers(deps, config),
    seed: (services, seedOptions) => seedInstructorsWith({ db: deps.db, outbox: deps.outbox, config }, services, seedOptions),
    republishState: (batchSize) => republishInstructorState(deps.db, deps.outbox, batchSize),
  };
}

/**
 * `InstructorModule.seed` for a process that holds only the instructor's database and an outbox
 * (the seed script, seed tests): it opens the configured object storage for the demo documents and closes it after.
 */
export async function seedInstructorsWith(
  target: { db: Database; outbox: Outbox; config?: InstructorConfig },
  services: SeedCatalogService[],
  options?: SeedInstructorsOptions,
): Promise<SeedInstructorsResult> {
  const storage = new S3DocumentStorage((target.config ?? loadInstructorConfig()).s3);
  try {
    return await seedInstructors({ db: target.db, outbox: target.outbox, storage }, services, options);
  } finally {
    storage.close();
  }
}

/** `InstructorModule.republishState` for a process that holds only the instructor's database (scripts). */
export { republishInstructorState };
/** The demo instructors the seed would create, without writing them (deterministic for a seed and catalog). */
export { demoInstructors };
/** The settings tests start from before narrowing them. */
export { loadInstructorConfig };
export type { InstructorConfig, SeedCatalogService, SeedInstructorsOptions, SeedInstructorsResult };
