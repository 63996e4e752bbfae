import { topicForEventType, type EventEnvelope } from '@instainstru/events';
import { periodicJob } from '../runtime/periodic-job';
import type { ServiceDeps } from '../runtime/service-deps';
import type { Worker } from '../runtime/worker';
import { IdempotentConsumer, type EffectHandler, type EventHandler } from './idempotent-consumer';
import { OutboxRelay } from './outbox-relay';
import { OutboxRetention } from './outbox-retention';

/** The worker publishing the service's outbox (see OutboxRelay). */
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
  /** Handlers that run outside a transaction, idempotent on their own (see EffectHandler). */
  effects?: Record<string, EffectHandler>;
  /** Partitions processed at the same time; 1 by default. */
  concurrency?: number;
  /** Topics to create with more partitions than the default (for `concurrency`). */
  partitions?: number;
  /** Runs after the transaction that applied an event committed (see IdempotentConsumer). */
  afterCommit?(event: EventEnvelope): Promise<void>;
}

/** A worker consuming other services' events through an IdempotentConsumer (inbox, retries, dead letters). */
export function eventConsumerWorker(deps: ServiceDeps, options: EventConsumerWorkerOptions): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const types = [...Object.keys(options.handlers), ...Object.keys(options.effects ?? {})];
  const topics = [...new Set(types.map((type) => topicForEventType(type, prefix)))];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger: deps.logger.child({ component: options.name }),
    metrics: deps.metrics,
    groupId: `${prefix}${options.group}`,
    topics,
    handlers: options.handlers,
    ...(options.effects ? { effects: options.effects } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
  return {
    name: options.name,
    async start() {
      await deps.bus.ensureTopics(topics, options.partitions);
      await consumer.start();
    },
    stop: () => consumer.stop(),
  };
}
