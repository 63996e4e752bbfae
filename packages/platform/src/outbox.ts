import type { Client } from 'pg';
import pg from 'pg';
import { createEnvelope, topicForEventType, type EventEnvelope, type EventSchemaRegistry, type NewEvent } from '@instainstru/events';
import type { Logger } from 'pino';
import type { Database, Sql } from './database';
import type { EventBus, OutgoingMessage } from './kafka/event-bus';
import type { PlatformMetrics } from './metrics';
import { injectContext } from './tracing';

const NOTIFY_CHANNEL = 'outbox_appended';

/**
 * Tells relays (which LISTEN on the channel) that events were committed. The NOTIFY goes out after
 * the commit, on its own, rather than inside the appending transaction: Postgres serialises the
 * commits of all transactions that notified (one lock for the whole cluster), which would make
 * every event-writing transaction take its turn. At most one NOTIFY is in flight per process, and
 * they start at most every `minIntervalMs`; a commit meanwhile asks for one more after it, so a
 * burst of appends costs one NOTIFY every 20 ms (50 a second, however many appends) and no append
 * is left unannounced. A relay busy publishing a batch when one arrives goes straight on to the
 * next batch, so in a burst the spacing adds nothing; after a quiet spell the first NOTIFY goes out
 * at once. A NOTIFY lost (the process dying, the database unreachable) delays publishing only
 * until the relay's next poll.
 */
export class CommittedEventsSignal {
  private sending = false;
  private again = false;

  /**
   * @param minIntervalMs the least time between the starts of two NOTIFYs: the first after a quiet
   *   spell goes out at once, later ones at most this often (each NOTIFY is a transaction of its
   *   own, and a woken relay takes every committed event in one batch anyway).
   */
  constructor(
    private readonly db: Sql,
    private readonly minIntervalMs = 20,
  ) {}

  raise(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      const started = Date.now();
      await this.db.execute(`select pg_notify($1, '')`, [NOTIFY_CHANNEL], { prepare: true }).catch(() => undefined);
      const wait = started + this.minIntervalMs - Date.now();
      if (this.again && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } while (this.again);
    this.sending = false;
  }
}

export interface AppendingWrite {
  /** One data-modifying statement with RETURNING; its parameters are $1..$`params`. */
  text: string;
  /** How many parameters the write takes. */
  params: number;
  /**
   * Common table expressions the write reads (`name as (select …)`, e.g. a row locked FOR SHARE),
   * evaluated once for the whole statement.
   */
  reads?: string;
  /**
   * The statement's answer, a SELECT over `written` (and `reads`); by default `select * from
   * written`. The event is appended only when `written` has a row, whatever the answer says.
   */
  answer?: string;
  /** Run as a named prepared statement: each connection parses and plans it once. */
  prepare?: boolean;
}

/** The outbox columns an append writes, in the order of Outbox.rowOf. */
const OUTBOX_COLUMNS = '(id, topic, aggregate_id, type, version, envelope)';

/** The column of an answer row that says whether the event was appended. */
const APPENDED = 'outbox$appended';

/**
 * A write and the outbox insert as one SQL statement, composed once and run any number of times
 * through Outbox.appendWith. With its own answer, the statement also says whether it appended.
 */
export class AppendingStatement {
  readonly text: string;
  readonly params: number;
  readonly prepare: boolean;
  /** Whether answer rows carry the appended flag (the write has its own answer). */
  readonly flagsAppended: boolean;

  constructor(write: AppendingWrite) {
    const p = (i: number) => `$${write.params + i}`;
    this.params = write.params;
    this.prepare = write.prepare ?? false;
    this.flagsAppended = write.answer !== undefined;
    const answer = write.answer ? `select answer.*, exists (select 1 from appended) as "${APPENDED}" from (${write.answer}) as answer` : 'select * from written';
    this.text = `with ${write.reads ? `${write.reads},\n` : ''}written as (${write.text}),
       appended as (
         insert into outbox ${OUTBOX_COLUMNS}
         select ${p(1)}::uuid, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::integer, ${p(6)}::json where exists (select 1 from written)
         returning 1
       )
       ${answer}`;
  }
}

/**
 * Writes events into the service's outbox inside the caller's transaction, so an event exists
 * exactly when the change that caused it committed. Every event is validated against its schema.
 * With a signal, relays are woken once the appending transaction committed.
 */
export class Outbox {
  constructor(
    private readonly schemas: EventSchemaRegistry,
    private readonly topicPrefix = '',
    private readonly committed?: CommittedEventsSignal,
  ) {}

  async append<Payload>(tx: Sql, event: NewEvent<Payload>): Promise<EventEnvelope<Payload>> {
    const envelope = this.envelopeOf(event);
    await tx.query(
      `insert into outbox ${OUTBOX_COLUMNS} values ($1, $2, $3, $4, $5, $6)`,
      this.rowOf(envelope),
    );
    this.announce(tx);
    return envelope;
  }

  /**
   * Runs `statement` with the write's `params` and appends `event` in the same SQL statement, so
   * both commit together or not at all (a single statement is one transaction even outside
   * `transaction()`) in one round trip. The event is appended only when the write returned a row;
   * answers the rows of the statement's answer (by default, the rows the write returned).
   */
  async appendWith<Row, Payload>(sql: Sql, statement: AppendingStatement, params: readonly unknown[], event: NewEvent<Payload>): Promise<Row[]> {
    if (params.length !== statement.params) throw new Error(`The write takes ${statement.params} parameters, not ${params.length}`);
    const envelope = this.envelopeOf(event);
    const rows = await sql.query<Row & { [APPENDED]?: boolean }>(statement.text, [...params, ...this.rowOf(envelope)], { prepare: statement.prepare });
    if (!statement.flagsAppended) {
      if (rows.length > 0) this.announce(sql);
      return rows;
    }
    // No answer row: whether it appended is unknown, so relays are woken anyway.
    if (rows[0]?.[APPENDED] ?? true) this.announce(sql);
    return rows.map(({ [APPENDED]: _appended, ...answer }) => answer as Row);
  }

  private announce(sql: Sql): void {
    const committed = this.committed;
    if (committed) sql.afterCommit(() => committed.raise());
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

export interface OutboxRetentionOptions {
  db: Sql;
  /** How long a published event stays in the outbox (for inspection and manual replay). */
  retentionMs: number;
  metrics?: PlatformMetrics;
  /** Rows deleted per statement, so no sweep holds many row locks or one long transaction. */
  batchSize?: number;
}

/**
 * Deletes events published more than the retention ago; the outbox would otherwise only grow.
 * The relay publishes in sequence order, so the old published rows are the oldest ones: a sweep
 * finds the first row still to keep (unpublished, or published within the retention) and deletes
 * the rows before it, a batch at a time. An unpublished event is never deleted, however old, and
 * any number of sweeps may run at once (a row is deleted once; the others skip it).
 */
export class OutboxRetention {
  private readonly batchSize: number;

  constructor(private readonly options: OutboxRetentionOptions) {
    this.batchSize = options.batchSize ?? 5000;
  }

  /** Deletes what the retention allows as of `now`; answers how many events were deleted. */
  async sweep(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    const [boundary] = await this.options.db.query<{ seq: string | null }>(
      `select coalesce(
         (select seq from outbox where published_at is null or published_at >= $1 order by seq limit 1),
         (select max(seq) + 1 from outbox)) as seq`,
      [cutoff],
    );
    if (boundary?.seq == null) return 0;
    let deleted = 0;
    for (;;) {
      // `published_at < cutoff` again: an append with a lower seq that committed after the
      // boundary was read is below it but unpublished, and must stay.
      const n = await this.options.db.execute(
        `delete from outbox where seq in (
           select seq from outbox where seq < $1 and published_at < $2 order by seq limit $3 for update skip locked)`,
        [boundary.seq, cutoff, this.batchSize],
      );
      deleted += n;
      if (n < this.batchSize) break;
    }
    if (deleted > 0) this.options.metrics?.outboxPurged.inc(deleted);
    return deleted;
  }
}
