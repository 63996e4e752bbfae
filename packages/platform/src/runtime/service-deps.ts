import { EventSchemaRegistry } from '@instainstru/events';
import type { Logger } from 'pino';
import { Database, type MigrationClass } from '../database/database';
import { CommittedEventsSignal } from '../events/committed-events-signal';
import type { EventBus } from '../events/event-bus';
import { KafkajsEventBus } from '../events/kafkajs-event-bus';
import { Outbox } from '../events/outbox';
import type { ServiceConfig } from './config';
import { createLogger } from './logger';
import { PlatformMetrics } from './metrics';
import { initTracing } from './tracing';

/** What every service is built from; created once per process. */
export interface ServiceDeps {
  config: ServiceConfig;
  logger: Logger;
  metrics: PlatformMetrics;
  db: Database;
  bus: EventBus;
  schemas: EventSchemaRegistry;
  outbox: Outbox;
  /** Registers a resource (Redis, S3 client, …) to close when the service stops, after its work drained. */
  onClose(close: () => Promise<void> | void): void;
}

const closers = new WeakMap<ServiceDeps, (() => Promise<void> | void)[]>();

/** Closes what the service registered (newest first), then Kafka and the database. */
export async function closeServiceDeps(deps: ServiceDeps): Promise<void> {
  for (const close of (closers.get(deps) ?? []).reverse()) await close();
  closers.delete(deps);
  await deps.bus.close();
  await deps.db.close();
}

export async function createServiceDeps(config: ServiceConfig, migrations: MigrationClass[]): Promise<ServiceDeps> {
  initTracing(config.service);
  const logger = createLogger(config.service, config.logLevel);
  const metrics = new PlatformMetrics(config.service);
  const db = await new Database({
    url: config.database.url,
    schema: config.database.schema,
    poolMax: config.database.poolMax,
    migrations,
    applicationName: `${config.service}-${config.role}`,
  }).connect();
  const bus = new KafkajsEventBus({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger });
  const schemas = new EventSchemaRegistry();
  const outbox = new Outbox(schemas, config.kafka.topicPrefix, new CommittedEventsSignal(db));
  const registered: (() => Promise<void> | void)[] = [];
  const deps: ServiceDeps = { config, logger, metrics, db, bus, schemas, outbox, onClose: (close) => void registered.push(close) };
  closers.set(deps, registered);
  return deps;
}
