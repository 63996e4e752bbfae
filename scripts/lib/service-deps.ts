import { closeServiceDeps, createServiceDeps, loadServiceConfig, type ServiceDeps, type ServiceName } from '@instainstru/platform';

/**
 * Runs `work` with a service's deps as its own process builds them from the environment (its
 * database role and schema, its topic prefix), on one database connection, and closes them after:
 * for scripts that act through a service's module (`createCatalogModule(deps).seed()`). Kafka
 * connects only if something publishes or consumes; events go to the service's outbox.
 */
export async function withServiceDeps<T>(service: ServiceName, work: (deps: ServiceDeps) => Promise<T>): Promise<T> {
  const deps = await createServiceDeps(loadServiceConfig(service, { ...process.env, DB_POOL_MAX: '1' }), []);
  try {
    return await work(deps);
  } finally {
    await closeServiceDeps(deps);
  }
}
