/**
 * Shared pieces of the platform's event integration tests (outbox relay, idempotent consumer,
 * ordering): a fixture event type with its own JSON Schema, the side-effect table its handlers
 * write, and exact views of what the broker holds. Test-only; nothing in production imports this.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createEnvelope, EVENT_SCHEMAS_DIR, EventSchemaRegistry, type EventEnvelope } from '@instainstru/events';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Database, Sql } from '../../database/database';
import type { PlatformMetrics } from '../../runtime/metrics';
import type { OutgoingMessage } from '../event-bus';

/** packages/platform/test-fixtures/events: the fixture event schemas (envelope.json comes from schemas/events). */
export const FIXTURE_EVENTS_DIR = resolve(__dirname, '../../../test-fixtures/events');

/** Payload `{ sequence, amount }`; published to `<prefix>ledger.events`. */
export const LEDGER_EVENT = 'ledger.entry-recorded';

export interface LedgerEntry {
  sequence: number;
  amount: number;
}

export type LedgerEvent = EventEnvelope<LedgerEntry>;

export function fixtureSchemas(): EventSchemaRegistry {
  return new EventSchemaRegistry([EVENT_SCHEMAS_DIR, FIXTURE_EVENTS_DIR]);
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
}

/**
 * The consumers' side-effect table. Deliberately without a key on event_id: a duplicate
 * application must show up as a second row, not be hidden by a constraint. `id` is the
 * application order; `prev_sequence` is the aggregate's highest sequence visible when the row was
 * written (so a row applied out of order is caught even if ids were to interleave).
 */
export async function createAppliedEntryTable(db: Database): Promise<void> {
  await db.execute(`
    create table applied_entry (
      id bigserial primary key,
      event_id uuid not null,
      aggregate_id text not null,
      sequence integer not null,
      amount integer not null,
      prev_sequence integer,
      applied_by text not null,
      applied_at timestamptz not null default clock_timestamp()
    )`);
  await db.execute(`create index applied_entry_aggregate_idx on applied_entry (aggregate_id, sequence)`);
}

/** The side effect every test handler performs, in the consumer's transaction. */
export async function recordEntry(tx: Sql, event: EventEnvelope, appliedBy: string): Promise<void> {
  const { sequence, amount } = event.payload as LedgerEntry;
  await tx.execute(
    `insert into applied_entry (event_id, aggregate_id, sequence, amount, prev_sequence, applied_by)
     values ($1, $2, $3, $4, (select max(sequence) from applied_entry where aggregate_id = $2), $5)`,
    [event.id, event.aggregateId, sequence, amount, appliedBy],
  );
}

/** A valid ledger event as the relay would publish it (key = aggregate id, event-id header). */
export function ledgerEvent(aggregateId: string, sequence: number, amount = sequence * 10): LedgerEvent {
  return createEnvelope<LedgerEntry>({ type: LEDGER_EVENT, aggregateId, payload: { sequence, amount } });
}

export function asMessage(topic: string, event: EventEnvelope): OutgoingMessage {
  return { topic, key: event.aggregateId, value: JSON.stringify(event), headers: { 'event-id': event.id, 'event-type': event.type } };
}

/** A kafkajs admin client for exact broker-side facts (message counts, group offsets). */
export async function connectAdmin(): Promise<Admin> {
  const admin = new Kafka({ clientId: 'events-testing-admin', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  return admin;
}

/** How many records the topic holds (sum of the partitions' high watermarks; nothing is ever deleted in a test). */
export async function topicMessageCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Value of `consumer_messages_total{group, outcome}`. */
export async function consumerOutcomes(metrics: PlatformMetrics, group: string, outcome: string): Promise<number> {
  const { values } = await metrics.consumerMessages.get();
  return values.filter((v) => v.labels.group === group && v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
}

/**
 * A consumer group id no other run uses: runs share the broker, and members of one group that
 * subscribe to different (per-run) topics would rebalance each other.
 */
export function uniqueGroupId(name: string): string {
  return `${name}-${randomBytes(4).toString('hex')}`;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
