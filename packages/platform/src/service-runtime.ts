import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseContext } from '@apollo/server';
import { EventSchemaRegistry, topicForEventType, type EventEnvelope } from '@instainstru/events';
import { parse, type DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import type { ServiceConfig } from './config';
import { IdempotentConsumer, type EventHandler } from './consumer';
import { Database, type MigrationClass } from './database';
import type { ReadinessChecks } from './http-app';
import { createSubgraphServer, type SubgraphServer, type SubgraphServerOptions } from './http-server';
import type { EventBus } from './kafka/event-bus';
import { KafkajsEventBus } from './kafka/kafkajs-event-bus';
import { createLogger } from './logger';
import { PlatformMetrics } from './metrics';
import { CommittedEventsSignal, Outbox, OutboxRelay, OutboxRetention } from './outbox';
import { periodicJob } from './periodic-job';
import { initTracing, shutdownTracing } from './tracing';

/** Background work of the `worker` role: outbox relay, consumers, schedulers. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  /** Finishes the unit of work in flight, then stops. */
  stop(): Promise<void>;
}

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

export function outboxRelayWorker(deps: ServiceDeps): Worker {
  const relay = new OutboxRelay({
    db: deps.db,
    bus: deps.bus,
    logger: deps.logger.child({ component: 'outbox-relay' }),
    metrics: deps.metrics,
    schema: deps.config.database.schema,
    pollMs: deps.config.outboxPollMs,
  });
  return { name: 'outbox-relay', start: () => relay.start(), stop: () => relay.stop() };
}

/** How often the worker deletes published events past the retention (OUTBOX_RETENTION_HOURS). */
const OUTBOX_RETENTION_SWEEP_MS = 10 * 60_000;

export function outboxRetentionWorker(deps: ServiceDeps): Worker {
  const retention = new OutboxRetention({ db: deps.db, retentionMs: deps.config.outboxRetentionMs, metrics: deps.metrics });
  return periodicJob('outbox-retention', OUTBOX_RETENTION_SWEEP_MS, deps.logger.child({ component: 'outbox-retention' }), () => retention.sweep());
}

export interface EventConsumerWorkerOptions {
  /** The worker's name, also the logger component. */
  name: string;
  /** The consumer group without the environment's topic prefix, e.g. `catalog.instructor-offerings`. */
  group: string;
  /** Handlers by event type; the topics are those of the types' owning services. */
  handlers: Record<string, EventHandler>;
  /** Runs after the transaction that applied an event committed (see IdempotentConsumer). */
  afterCommit?(event: EventEnvelope): Promise<void>;
}

/** A worker consuming other services' events through an IdempotentConsumer (inbox, retries, dead letters). */
export function eventConsumerWorker(deps: ServiceDeps, options: EventConsumerWorkerOptions): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const topics = [...new Set(Object.keys(options.handlers).map((type) => topicForEventType(type, prefix)))];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger: deps.logger.child({ component: options.name }),
    metrics: deps.metrics,
    groupId: `${prefix}${options.group}`,
    topics,
    handlers: options.handlers,
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
  return {
    name: options.name,
    async start() {
      await deps.bus.ensureTopics(topics);
      await consumer.start();
    },
    stop: () => consumer.stop(),
  };
}

export interface RunServiceOptions {
  deps: ServiceDeps;
  /** Builds the subgraph (role `api`). */
  api(): Promise<SubgraphServer>;
  /** The background workers (role `worker`); the outbox relay and its retention sweep are always among them. */
  workers(): Worker[];
}

/**
 * Starts the service in the configured role (`api`, `worker` or `all`) and shuts it down on
 * SIGTERM/SIGINT: stop accepting requests and drain those in flight, let workers finish their
 * current message or batch, then close connections. A second signal or the grace period forces exit.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { deps } = options;
  const { config, logger } = deps;
  const runApi = config.role === 'api' || config.role === 'all';
  const runWorker = config.role === 'worker' || config.role === 'all';

  const server = runApi ? await options.api() : undefined;
  const workers = runWorker ? [outboxRelayWorker(deps), outboxRetentionWorker(deps), ...options.workers()] : [];
  for (const worker of workers) await worker.start();
  if (server) await server.listen(config.port);
  logger.info({ role: config.role, port: runApi ? config.port : undefined, workers: workers.map((w) => w.name) }, `${config.service} started`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining before exit');
    const force = setTimeout(() => {
      logger.error('drain exceeded the grace period; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    try {
      await server?.drain();
      await Promise.all(workers.map((w) => w.stop()));
      await closeServiceDeps(deps);
      await shutdownTracing();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while draining');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Reads a service's SDL (the contract at the package root). */
export function loadTypeDefs(serviceRoot: string): DocumentNode {
  return parse(readFileSync(join(serviceRoot, 'schema.graphql'), 'utf8'));
}

/**
 * A service's subgraph with the platform's wiring (logging, metrics, caller verification,
 * readiness of Postgres and Kafka plus any extra dependencies).
 */
export function buildSubgraph<Ctx extends BaseContext>(
  deps: ServiceDeps,
  options: Pick<SubgraphServerOptions<Ctx>, 'typeDefs' | 'resolvers' | 'context' | 'routes'> & { readiness?: ReadinessChecks },
): Promise<SubgraphServer> {
  return createSubgraphServer<Ctx>({
    name: deps.config.service,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    context: options.context,
    logger: deps.logger,
    metrics: deps.metrics,
    signingSecret: deps.config.signingSecret,
    callerMaxAgeMs: deps.config.callerMaxAgeMs,
    budget: deps.config.requestBudget,
    readiness: { postgres: () => deps.db.ping(), kafka: () => deps.bus.ping(), ...options.readiness },
    ...(options.routes ? { routes: options.routes } : {}),
  });
}
