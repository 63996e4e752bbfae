/**
 * Per-aggregate order (DESIGN §2: Kafka key = aggregate id) survives consumer-group rebalances:
 * events go through the outbox and the relay, consumer A starts alone, consumer B joins the group
 * mid-stream, then A leaves; every aggregate's events are applied exactly once, in order.
 */
import { createTestDatabase, eventually, testEventBus, uniqueTopicPrefix, type TestDatabase } from '@instainstru/test-harness';
import type { Admin } from 'kafkajs';
import { Database } from '../database/database';
import { createLogger } from '../runtime/logger';
import type { EventBus } from './event-bus';
import { IdempotentConsumer } from './idempotent-consumer';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { connectAdmin, createAppliedEntryTable, fixtureSchemas, LEDGER_EVENT, recordEntry, sleep, topicMessageCount, uniqueGroupId, type LedgerEntry } from './testing/fixtures';

jest.setTimeout(120_000);

const SCHEMA = 'catalog';
const GROUP = uniqueGroupId('ledger-ordering');
const AGGREGATES = 20;
const PER_AGGREGATE = 50;
const TOTAL = AGGREGATES * PER_AGGREGATE;
/** Slows the handler down so the stream is still flowing while the group rebalances. */
const HANDLER_MS = 3;

const logger = createLogger('event-ordering-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const schemas = fixtureSchemas();

let testDb: TestDatabase;
let db: Database;
const buses: EventBus[] = [];
let admin: Admin;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 10 }).connect();
  await createAppliedEntryTable(db);
  admin = await connectAdmin();
});

afterAll(async () => {
  for (const bus of buses) await bus.close();
  await admin?.disconnect();
  await db?.close();
  await testDb?.drop();
});

function newBus(name: string): EventBus {
  const bus = testEventBus(name);
  buses.push(bus);
  return bus;
}

async function appliedBy(): Promise<Record<string, number>> {
  const rows = await db.query<{ applied_by: string; n: string }>(`select applied_by, count(*) as n from applied_entry group by applied_by`);
  return Object.fromEntries(rows.map((r) => [r.applied_by, Number(r.n)]));
}

const appliedCount = async () => Object.values(await appliedBy()).reduce((a, b) => a + b, 0);

describe('per-aggregate ordering across a consumer-group rebalance (real Kafka and Postgres)', () => {
  it('applies every aggregate’s events exactly once and in order while members join and leave', async () => {
    const prefix = uniqueTopicPrefix('order');
    const topic = `${prefix}ledger.events`;
    const producerBus = newBus('ordering-relay');
    await producerBus.ensureTopics([topic], 6);

    // Producers: one writer per aggregate, all concurrent, each committing its events in order
    // (a few per transaction), while the relay publishes in the background.
    const outbox = new Outbox(schemas, prefix);
    const relay = new OutboxRelay({ db, bus: producerBus, logger, schema: SCHEMA, batchSize: 100, pollMs: 50 });
    await relay.start();
    try {
      await Promise.all(
        Array.from({ length: AGGREGATES }, async (_, a) => {
          const aggregateId = `ledger-${a}`;
          for (let sequence = 1; sequence <= PER_AGGREGATE; ) {
            const perTx = 1 + ((a + sequence) % 3);
            await db.transaction(async (tx) => {
              for (let i = 0; i < perTx && sequence <= PER_AGGREGATE; i += 1, sequence += 1) {
                await outbox.append<LedgerEntry>(tx, { type: LEDGER_EVENT, aggregateId, payload: { sequence, amount: sequence } });
              }
            });
          }
        }),
      );
      await eventually(async () => (await relay.backlog()) === 0, 30_000, 'the relay to publish every event');
    } finally {
      await relay.stop();
    }
    expect(await topicMessageCount(admin, topic)).toBeGreaterThanOrEqual(TOTAL);

    const consumer = (name: string) =>
      new IdempotentConsumer({
        db,
        bus: newBus(`ordering-${name}`),
        schemas,
        logger: logger.child({ consumer: name }),
        groupId: GROUP,
        topics: [topic],
        topicPrefix: prefix,
        handlers: {
          [LEDGER_EVENT]: async (tx, event) => {
            await recordEntry(tx, event, name);
            await sleep(HANDLER_MS);
          },
        },
      });

    const a = consumer('A');
    const b = consumer('B');
    let bJoinedAt = 0;
    let aApplied = 0;
    let aLastId = 0;
    try {
      await a.start();
      await eventually(async () => (await appliedCount()) >= 150, 30_000, 'consumer A to be under way');

      // B joins mid-stream: the group rebalances and the partitions are split between A and B.
      await b.start();
      bJoinedAt = await appliedCount();
      expect(bJoinedAt).toBeLessThan(TOTAL / 2);
      await eventually(async () => ((await appliedBy()).B ?? 0) >= 50, 30_000, 'consumer B to take over partitions');
      await eventually(async () => (await appliedCount()) >= bJoinedAt + 200, 30_000, 'A and B to progress together');

      // A leaves mid-stream: B takes over A's partitions, from A's committed offsets.
      await a.stop();
      const [left] = await db.query<{ n: string; last_id: string }>(`select count(*) as n, max(id) as last_id from applied_entry where applied_by = 'A'`);
      aApplied = Number(left!.n);
      aLastId = Number(left!.last_id);
      expect(await appliedCount()).toBeLessThan(TOTAL);
      await eventually(async () => (await appliedCount()) >= TOTAL, 45_000, `all ${TOTAL} events to be applied`);
      await sleep(500);
    } finally {
      await a.stop();
      await b.stop();
    }

    const rows = await db.query<{ id: string; aggregate_id: string; sequence: number; prev_sequence: number | null; applied_by: string; event_id: string }>(
      `select id, aggregate_id, sequence, prev_sequence, applied_by, event_id from applied_entry order by id`,
    );
    // Both members did real work, and B kept going after A had left.
    const by = await appliedBy();
    expect(by.A).toBe(aApplied);
    expect(aApplied).toBeGreaterThan(0);
    expect(rows.filter((r) => r.applied_by === 'B' && Number(r.id) < aLastId).length).toBeGreaterThan(0);
    expect(rows.filter((r) => Number(r.id) > aLastId).length).toBeGreaterThan(0);

    // Exactly once, and for every aggregate the sequences 1..k in application order.
    expect(rows).toHaveLength(TOTAL);
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(TOTAL);
    const sequences = new Map<string, number[]>();
    for (const row of rows) sequences.set(row.aggregate_id, [...(sequences.get(row.aggregate_id) ?? []), row.sequence]);
    const expected = Array.from({ length: PER_AGGREGATE }, (_, i) => i + 1);
    expect(sequences.size).toBe(AGGREGATES);
    for (const [aggregate, applied] of sequences) expect({ aggregate, applied }).toEqual({ aggregate, applied: expected });
    // Each entry saw exactly its predecessor already applied when it was written.
    expect(rows.filter((r) => r.prev_sequence !== (r.sequence === 1 ? null : r.sequence - 1))).toEqual([]);
  });
});
