import type { Client } from 'pg';
import pg from 'pg';
import { createEnvelope, topicForEventType, type EventEnvelope, type EventSchemaRegistry, type NewEvent } from '@instainstru/events';
import type { Logger } from 'pino';
import type { Database, Sql } from './database';
import type { EventBus } from './kafka/event-bus';
import type { PlatformMetrics } from './metrics';
import { injectContext } from './tracing';

const NOTIFY_CHANNEL = 'outbox_appended';

/**
 * Writes events into the service's outbox inside the caller's transaction, so an event exists
 * exactly when the change that caused it committed. Every event is validated against its schema.
 */
export class Outbox {
  constructor(
    private readonly schemas: EventSchemaRegistry,
    private readonly topicPrefix = '',
  ) {}

  async append<Payload>(tx: Sql, event: NewEvent<Payload>): Promise<EventEnvelope<Payload>> {
    const envelope = this.envelopeOf(event);
    await tx.query(
      `insert into outbox (id, topic, aggregate_id, type, version, envelope) values ($1, $2, $3, $4, $5, $6)`,
      this.rowOf(envelope),
    );
    await tx.query(`select pg_notify($1, '')`, [NOTIFY_CHANNEL]);
    return envelope;
  }

  /**
   * Runs `write` — one data-modifying statement with RETURNING, parameters $1..$n of its `params`
   * — and appends `event` in the same SQL statement, so both commit together or not at all (a
   * single statement is one transaction even outside `transaction()`) in one round trip. The event
   * is appended only when `write` returned a row; answers the rows `write` returned. With
   * `prepare`, the combined statement is a named prepared statement (for a constant `text`).
   */
  async appendWith<Row, Payload>(sql: Sql, write: { text: string; params: readonly unknown[]; prepare?: boolean }, event: NewEvent<Payload>): Promise<Row[]> {
    const envelope = this.envelopeOf(event);
    const p = (i: number) => `$${write.params.length + i}`;
    return sql.query<Row>(
      `with written as (${write.text}),
       appended as (
         insert into outbox (id, topic, aggregate_id, type, version, envelope)
         select ${p(1)}::uuid, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::integer, ${p(6)}::jsonb where exists (select 1 from written)
         returning pg_notify('${NOTIFY_CHANNEL}', '')
       )
       select * from written`,
      [...write.params, ...this.rowOf(envelope)],
      { prepare: write.prepare ?? false },
    );
  }

  /** The envelope of a new event, with the current trace, validated against its schema. */
  private envelopeOf<Payload>(event: NewEvent<Payload>): EventEnvelope<Payload> {
    const envelope = createEnvelope(event);
    const trace = injectContext();
    if (trace.traceparent) envelope.trace = { traceparent: trace.traceparent, ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) };
    this.schemas.validate(envelope);
    return envelope;
  }

  private rowOf(envelope: EventEnvelope<unknown>): unknown[] {
    return [envelope.id, topicForEventType(envelope.type, this.topicPrefix), envelope.aggregateId, envelope.type, envelope.version, JSON.stringify(envelope)];
  }
}

interface OutboxRow {
  seq: string;
  topic: string;
  aggregate_id: string;
  envelope: EventEnvelope;
}

export interface OutboxRelayOptions {
  db: Database;
  bus: EventBus;
  logger: Logger;
  metrics?: PlatformMetrics;
  /** Postgres schema whose outbox this relay drains; one relay publishes per schema at a time. */
  schema: string;
  batchSize?: number;
  pollMs?: number;
}

/**
 * Publishes committed outbox rows to Kafka in commit order, keyed by aggregate id, and marks them
 * published only after the broker acknowledged. A crash between publish and mark re-publishes the
 * rows on restart (at-least-once); consumers deduplicate by event id. A transaction-scoped advisory
 * lock lets any number of relay processes run while only one publishes, which keeps order.
 */
export class OutboxRelay {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** Set when an append was notified while a batch was in flight, so it is not left waiting for the poll. */
  private signalled = false;
  private listener?: Client;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 200;
    this.pollMs = options.pollMs ?? 1000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.listener = new pg.Client({ connectionString: this.options.db.options.url, application_name: `${this.options.schema}-outbox-relay` });
    this.listener.on('error', (err) => this.options.logger.warn({ err }, 'outbox listener connection failed; falling back to polling'));
    this.listener.on('notification', () => {
      this.signalled = true;
      this.wake?.();
    });
    try {
      await this.listener.connect();
      await this.listener.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (err) {
      this.options.logger.warn({ err }, 'outbox relay could not LISTEN; polling only');
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.listener?.end().catch(() => undefined);
  }

  /** Publishes one batch; returns how many events were acknowledged (0 when idle or not leader). */
  async publishBatch(): Promise<number> {
    const { db, bus, schema } = this.options;
    const published = await db.transaction(async (tx) => {
      const [lock] = await tx.query<{ leader: boolean }>(`select pg_try_advisory_xact_lock(hashtext($1)) as leader`, [`outbox-relay:${schema}`]);
      if (!lock?.leader) return 0;
      const rows = await tx.query<OutboxRow>(
        `select seq, topic, aggregate_id, envelope from outbox where published_at is null order by seq limit $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await bus.publish(
        rows.map((row) => ({
          topic: row.topic,
          key: row.aggregate_id,
          value: JSON.stringify(row.envelope),
          headers: {
            'event-id': row.envelope.id,
            'event-type': row.envelope.type,
            ...(row.envelope.trace ?? {}),
          },
        })),
      );
      await tx.execute(`update outbox set published_at = now() where seq = any($1::bigint[])`, [rows.map((r) => r.seq)]);
      return rows.length;
    });
    if (published > 0) this.options.metrics?.outboxPublished.inc(published);
    return published;
  }

  async backlog(): Promise<number> {
    const [row] = await this.options.db.query<{ n: string }>(`select count(*) as n from outbox where published_at is null`);
    return Number(row?.n ?? 0);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        this.signalled = false;
        const n = await this.publishBatch();
        failures = 0;
        if (n === this.batchSize || this.signalled) continue;
        this.options.metrics?.outboxBacklog.set(await this.backlog());
      } catch (err) {
        failures += 1;
        this.options.logger.error({ err, failures }, 'outbox relay failed to publish; will retry');
      }
      // stop() may have been called while the batch was in flight: its wake() then found no
      // timer to cancel, so check before sleeping rather than wait out a whole poll or backoff.
      if (!this.running) break;
      const delay = failures > 0 ? Math.min(this.pollMs * 2 ** failures, 30_000) : this.pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
