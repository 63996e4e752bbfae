import { createServiceDeps, loadServiceConfig, type ServiceDeps, type ServiceName } from '@instainstru/platform';
import type { TestDatabase } from './databases';
import { uniqueTopicPrefix } from './kafka';

/**
 * A service's deps over its schema of a test database, as `startStack` builds them: for a test
 * that needs a service's module without its subgraph, e.g. `createCatalogModule(deps).seed()`.
 * Close them with `closeServiceDeps`. Kafka connects only if something publishes or consumes.
 */
export function testServiceDeps(db: TestDatabase, service: ServiceName, options: { topicPrefix?: string } = {}): Promise<ServiceDeps> {
  const config = loadServiceConfig(service, {
    ...process.env,
    DATABASE_URL: db.urlFor(service),
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? uniqueTopicPrefix(),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  return createServiceDeps(config, []);
}
