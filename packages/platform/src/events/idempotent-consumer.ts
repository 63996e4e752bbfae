import { deadLetterTopic, EventSchemaError, type EventEnvelope, type EventSchemaRegistry } from '@instainstru/events';
import type { Logger } from 'pino';
import type { Database, Sql } from '../database/database';
import type { PlatformMetrics } from '../runtime/metrics';
import { extractContext, inSpan, SpanKind } from '../runtime/tracing';
import type { EventBus, IncomingMessage, Subscription } from './event-bus';

/** Applies one event's side effects inside the transaction that also records it as processed. */
export type EventHandler = (tx: Sql, event: EventEnvelope) => Promise<void>;

/**
 * Applies one event whose work cannot sit in one transaction (a call to another system between
 * database writes). It runs outside any transaction and must be idempotent on its own: the event
 * is recorded as processed only after it resolved, so a crash or a failure runs it again.
 */
export type EffectHandler = (event: EventEnvelope) => Promise<void>;

export interface IdempotentConsumerOptions {
  db: Database;
  bus: EventBus;
  schemas: EventSchemaRegistry;
  logger: Logger;
  metrics?: PlatformMetrics;
  /** Consumer group; also the inbox's consumer name. */
  groupId: string;
  topics: string[];
  /** Handlers by event type; types without a handler are acknowledged and skipped. */
  handlers: Record<string, EventHandler>;
  /** Handlers by event type that run outside a transaction (see EffectHandler). */
  effects?: Record<string, EffectHandler>;
  /** Partitions processed at the same time (one message at a time within a partition); 1 by default. */
  concurrency?: number;
  maxAttempts?: number;
  retryDelayMs?: number;
  topicPrefix?: string;
  /**
   * Runs once the transaction that applied an event has committed (e.g. invalidating a cache the
   * change made stale). Retried like a handler on failure; the applied change itself stays.
   */
  afterCommit?(event: EventEnvelope): Promise<void>;
}

type Outcome = 'applied' | 'duplicate' | 'ignored' | 'dead-lettered';

/**
 * Kafka consumer with exactly-once side effects: the inbox row (consumer, event id) is written in
 * the same transaction as the handler's writes, so a redelivered event changes nothing. A failing
 * event is retried a bounded number of times, then parked in the group's dead-letter topic so the
 * partition moves on; an unreadable or schema-invalid message goes there at once.
 */
export class IdempotentConsumer {
  private subscription?: Subscription;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;

  constructor(private readonly options: IdempotentConsumerOptions) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 200;
  }

  async start(): Promise<void> {
    const { bus, groupId, topics, metrics } = this.options;
    this.subscription = await bus.subscribe({
      groupId,
      topics,
      fromBeginning: true,
      ...(this.options.concurrency ? { partitionsConsumedConcurrently: this.options.concurrency } : {}),
      handle: (message) => this.handle(message),
      onLag: ({ topic, partition, lag }) => metrics?.consumerLag.set({ group: groupId, topic, partition: String(partition) }, lag),
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private async handle(message: IncomingMessage): Promise<void> {
    const outcome = await inSpan(
      `consume ${message.topic}`,
      { kind: SpanKind.CONSUMER, parent: extractContext(message.headers), attributes: { 'messaging.destination.name': message.topic, 'messaging.consumer.group.name': this.options.groupId } },
      () => this.process(message),
    );
    this.options.metrics?.consumerMessages.inc({ group: this.options.groupId, outcome });
  }

  private async process(message: IncomingMessage): Promise<Outcome> {
    let event: EventEnvelope;
    let handler: EventHandler | EffectHandler | undefined;
    let effect = false;
    try {
      const parsed: unknown = JSON.parse(message.value?.toString('utf8') ?? '');
      this.options.schemas.validateEnvelope(parsed);
      event = parsed;
      // Events this consumer does not handle are skipped, even types newer than its schemas.
      handler = this.options.handlers[event.type];
      if (!handler) {
        handler = this.options.effects?.[event.type];
        effect = handler !== undefined;
      }
      if (!handler) return 'ignored';
      this.options.schemas.validate(event);
    } catch (error) {
      const reason = error instanceof EventSchemaError ? `${error.message}: ${error.problems.join('; ')}` : `unreadable message: ${String(error)}`;
      await this.deadLetter(message, reason, 0);
      return 'dead-lettered';
    }

    for (let attempt = 1; ; attempt += 1) {
      try {
        const outcome = effect ? await this.runEffectOnce(event, handler as EffectHandler) : await this.applyOnce(event, handler as EventHandler);
        if (outcome === 'applied') await this.runAfterCommit(event);
        return outcome;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= this.maxAttempts) {
          await this.deadLetter(message, reason, attempt);
          return 'dead-lettered';
        }
        this.options.metrics?.consumerMessages.inc({ group: this.options.groupId, outcome: 'retried' });
        this.options.logger.warn({ eventId: event.id, type: event.type, attempt, reason }, 'event handler failed; retrying');
        await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** The after-commit step, retried with backoff; a final failure is logged, never undone. */
  private async runAfterCommit(event: EventEnvelope): Promise<void> {
    const step = this.options.afterCommit;
    if (!step) return;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await step(event);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= this.maxAttempts) {
          this.options.logger.error({ eventId: event.id, type: event.type, attempts: attempt, reason }, 'after-commit step failed; the event stays applied');
          return;
        }
        this.options.logger.warn({ eventId: event.id, type: event.type, attempt, reason }, 'after-commit step failed; retrying');
        await new Promise((r) => setTimeout(r, this.retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  /** An effect runs unless the inbox already holds the event, and is recorded once it resolved. */
  private async runEffectOnce(event: EventEnvelope, effect: EffectHandler): Promise<Outcome> {
    const [seen] = await this.options.db.query(`select 1 from inbox where consumer = $1 and event_id = $2`, [this.options.groupId, event.id]);
    if (seen) return 'duplicate';
    await effect(event);
    await this.options.db.execute(`insert into inbox (consumer, event_id, event_type) values ($1, $2, $3) on conflict do nothing`, [this.options.groupId, event.id, event.type]);
    return 'applied';
  }

  private applyOnce(event: EventEnvelope, handler: EventHandler): Promise<Outcome> {
    return this.options.db.transaction(async (tx) => {
      const inserted = await tx.execute(
        `insert into inbox (consumer, event_id, event_type) values ($1, $2, $3) on conflict do nothing`,
        [this.options.groupId, event.id, event.type],
      );
      if (inserted === 0) return 'duplicate';
      await handler(tx, event);
      return 'applied';
    });
  }

  private async deadLetter(message: IncomingMessage, reason: string, attempts: number): Promise<void> {
    const { bus, groupId, logger, topicPrefix } = this.options;
    logger.error({ topic: message.topic, partition: message.partition, offset: message.offset, reason, attempts }, 'message dead-lettered');
    await bus.publish([
      {
        topic: deadLetterTopic(groupId, topicPrefix),
        key: message.key ?? '',
        value: message.value?.toString('utf8') ?? '',
        headers: {
          ...message.headers,
          'dlq-reason': reason.slice(0, 1000),
          'dlq-attempts': String(attempts),
          'dlq-source-topic': message.topic,
          'dlq-source-partition': String(message.partition),
          'dlq-source-offset': message.offset,
          'dlq-at': new Date().toISOString(),
        },
      },
    ]);
  }
}
