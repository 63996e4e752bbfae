import type { MigrationClass } from '../database/database';
import type { SubgraphServer } from '../http/subgraph-server';
import type { ServiceName } from './service-names';
import type { ServiceDeps } from './service-deps';
import type { Worker } from './worker';

/**
 * What a service is, as its `src/module.ts` builds it from the process's deps: its subgraph (with
 * any HTTP routes of its own: webhooks, internal calls) and its background workers. Tests, seeds
 * and benchmarks build a service through its module too, never from its internals.
 */
export interface ServiceModule {
  /** Builds the subgraph and its routes (role `api`); it does not listen. */
  subgraph(): Promise<SubgraphServer>;
  /** The background workers (role `worker`), besides the outbox relay and retention the runtime adds. */
  workers(): Worker[];
}

/** A service's entry, as its `src/index.ts` hands it to `runService`. */
export interface ServiceDefinition {
  service: ServiceName;
  migrations: MigrationClass[];
  createModule(deps: ServiceDeps): ServiceModule | Promise<ServiceModule>;
}
