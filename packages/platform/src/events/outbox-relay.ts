import type { Client } from 'pg';
import pg from 'pg';
import type { EventEnvelope } from '@instainstru/events';
import type { Logger } from 'pino';
import type { Database } from '../database/database';
import type { PlatformMetrics } from '../runtime/metrics';
import type { EventBus, OutgoingMessage } from './event-bus';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-table';

/** What the relay reads of an outbox row to publish it (see outboxMessage). */
export const OUTBOX_MESSAGE_COLUMNS = `id, type, topic, aggregate_id, envelope::text as envelope, envelope -> 'trace' as trace`;

export interface OutboxMessageRow {
  id: string;
  type: string;
  topic: string;
  aggregate_id: string;
  /** The envelope's JSON text exactly as it was validated and appended. */
  envelope: string;
  trace: EventEnvelope['trace'] | null;
}

/**
 * The Kafka message of an outbox row: keyed by aggregate id (per-aggregate order), the envelope's
 * appended JSON text as the value, the event id and type and the trace context as headers.
 */
export function outboxMessage(row: OutboxMessageRow): OutgoingMessage {
  return {
    topic: row.topic,
    key: row.aggregate_id,
    value: row.envelope,
    headers: { 'event-id': row.id, 'event-type': row.type, ...(row.trace ?? {}) },
  };
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
      await this.listener.query(`listen ${OUTBOX_NOTIFY_CHANNEL}`);
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
      const rows = await tx.query<OutboxMessageRow & { seq: string }>(
        `select seq, ${OUTBOX_MESSAGE_COLUMNS} from outbox where published_at is null order by seq limit $1`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      await bus.publish(rows.map(outboxMessage));
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
