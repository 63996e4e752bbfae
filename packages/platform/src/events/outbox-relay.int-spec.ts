/**
 * The transactional outbox end to end against the real broker and database (DESIGN §2): the relay
 * runs in a child process and is SIGKILLed mid-stream, once between the broker's acknowledgement
 * and marking the rows published, once at an arbitrary point; events are also committed while no
 * relay runs at all. After a restart every committed event is on Kafka, the outbox is drained,
 * and an IdempotentConsumer has applied each event exactly once. Rolled-back work emits nothing.
 */
import { createTestDatabase, collectMessages, eventually, testEventBus, uniqueTopicPrefix, type TestDatabase } from '@instainstru/test-harness';
import { randomUUID } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { Database } from '../database/database';
import { IdempotentConsumer } from './idempotent-consumer';
import {
  connectAdmin,
  consumerOutcomes,
  createAppliedEntryTable,
  fixtureSchemas,
  LEDGER_EVENT,
  recordEntry,
  sleep,
  topicMessageCount,
  uniqueGroupId,
  type LedgerEntry,
} from './testing/fixtures';
import { createLogger } from '../runtime/logger';
import { PlatformMetrics } from '../runtime/metrics';
import type { EventBus } from './event-bus';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { startRelayChild, type RelayChild } from './testing/relay-child';

jest.setTimeout(120_000);

const SCHEMA = 'catalog';
const GROUP = uniqueGroupId('ledger-projector');
const AGGREGATES = 12;
const WRITERS = 4;
const TX_PER_WRITER = 15;
const EVENTS_PER_TX = 30;
const FIRST_WAVE = WRITERS * TX_PER_WRITER * EVENTS_PER_TX; // 1800
const SECOND_WAVE = 300;
const TOTAL = FIRST_WAVE + SECOND_WAVE;
const BATCH = 50;
const HOLD_AFTER_BATCH = 12;

const logger = createLogger('outbox-relay-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const schemas = fixtureSchemas();

let testDb: TestDatabase;
let db: Database;
let bus: EventBus;
let admin: Admin;
const children: RelayChild[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 8 }).connect();
  await createAppliedEntryTable(db);
  bus = testEventBus('outbox-relay-test');
  admin = await connectAdmin();
});

afterAll(async () => {
  for (const child of children) await child.kill('SIGKILL');
  await admin?.disconnect();
  await bus?.close();
  await db?.close();
  await testDb?.drop();
});

async function scalar(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await db.query<{ n: string }>(sql, params);
  return Number(row?.n);
}

const publishedRows = () => scalar(`select count(*) as n from outbox where published_at is not null`);
const unpublishedRows = () => scalar(`select count(*) as n from outbox where published_at is null`);

/** A relay process, started now (start-up takes seconds) and relaying once go() is called. */
function relay(options: { holdAfterBatch?: number; ackDelayMs?: number } = {}): RelayChild {
  const child = startRelayChild({ databaseUrl: testDb.urlFor(SCHEMA), schema: SCHEMA, batchSize: BATCH, pollMs: 100, waitForGo: true, ...options });
  children.push(child);
  return child;
}

describe('outbox relay crash recovery (real Kafka and Postgres, relay in a child process)', () => {
  it('publishes every committed event after a SIGKILL and the consumer applies each exactly once; rolled-back events never exist', async () => {
    const prefix = uniqueTopicPrefix('outbox');
    const topic = `${prefix}ledger.events`;
    await bus.ensureTopics([topic], 3);
    const outbox = new Outbox(schemas, prefix);
    const nextSequence = new Map<string, number>();
    const append = (tx: Parameters<Outbox['append']>[0], aggregateId: string) => {
      const sequence = (nextSequence.get(aggregateId) ?? 0) + 1;
      nextSequence.set(aggregateId, sequence);
      return outbox.append<LedgerEntry>(tx, { type: LEDGER_EVENT, aggregateId, payload: { sequence, amount: sequence * 7 } });
    };
    const rolledBack: string[] = [];

    /** Each writer owns AGGREGATES / WRITERS aggregates, so per-aggregate order is the commit order. */
    const writer = async (w: number, transactions: number, perTx: number) => {
      const owned = Array.from({ length: AGGREGATES / WRITERS }, (_, i) => `ledger-${w}-${i}`);
      for (let t = 0; t < transactions; t += 1) {
        await db.transaction(async (tx) => {
          for (let e = 0; e < perTx; e += 1) await append(tx, owned[e % owned.length]!);
        });
        if (t % 5 === 0) {
          // The same work, rolled back: its events must never exist anywhere.
          const attempt = db.transaction(async (tx) => {
            const scratch = `rolled-back-${w}-${t}`;
            for (let e = 0; e < 3; e += 1) {
              const event = await outbox.append<LedgerEntry>(tx, { type: LEDGER_EVENT, aggregateId: scratch, payload: { sequence: e + 1, amount: 1 } });
              rolledBack.push(event.id);
            }
            throw new Error('business rule failed after the events were appended');
          });
          await expect(attempt).rejects.toThrow('business rule failed');
        }
      }
    };

    const killAfter = 3 + Math.floor(Math.random() * 10);
    const first = relay({ holdAfterBatch: HOLD_AFTER_BATCH });
    const second = relay({ ackDelayMs: 5 });
    const third = [relay(), relay()];

    // Everything below is committed while no relay runs.
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, TX_PER_WRITER, EVENTS_PER_TX)));
    expect(await unpublishedRows()).toBe(FIRST_WAVE);
    expect(rolledBack.length).toBeGreaterThan(0);
    expect(await scalar(`select count(*) as n from outbox where id = any($1::uuid[])`, [rolledBack])).toBe(0);

    // What reaches the broker, and the consumer whose side effects must happen exactly once.
    const collector = await collectMessages(bus, [topic]);
    const metrics = new PlatformMetrics('outbox-relay-test');
    const consumer = new IdempotentConsumer({
      db,
      bus,
      schemas,
      logger,
      metrics,
      groupId: GROUP,
      topics: [topic],
      topicPrefix: prefix,
      handlers: { [LEDGER_EVENT]: (tx, event) => recordEntry(tx, event, GROUP) },
    });
    await consumer.start();

    try {
      // 1. The relay publishes HOLD_AFTER_BATCH batches and is killed after the broker acknowledged
      //    the last one but before the relay marked it published.
      await first.go();
      await first.waitForLine(new RegExp(`^holding ${HOLD_AFTER_BATCH}$`), 30_000);
      expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
      const onKafkaAtFirstKill = await topicMessageCount(admin, topic);
      expect(onKafkaAtFirstKill).toBe(HOLD_AFTER_BATCH * BATCH);
      expect(await publishedRows()).toBe((HOLD_AFTER_BATCH - 1) * BATCH);
      expect(onKafkaAtFirstKill).toBeGreaterThan(0);
      expect(onKafkaAtFirstKill).toBeLessThan(FIRST_WAVE);

      // 2. More events are committed while no relay runs.
      await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, 3, SECOND_WAVE / WRITERS / 3)));
      expect(await unpublishedRows()).toBe(TOTAL - (HOLD_AFTER_BATCH - 1) * BATCH);

      // 3. Restarted, the relay is killed again at an arbitrary point of its stream.
      await second.go();
      await second.waitForLine(new RegExp(`^published ${killAfter} `), 30_000);
      expect((await second.kill('SIGKILL')).signal).toBe('SIGKILL');
      const onKafkaAtSecondKill = await topicMessageCount(admin, topic);
      expect(onKafkaAtSecondKill).toBeGreaterThanOrEqual(onKafkaAtFirstKill + killAfter * BATCH);
      expect(await unpublishedRows()).toBeGreaterThan(0);

      // 4. Restarted once more, as two processes (only the advisory-lock holder publishes), the
      //    relay drains the outbox; SIGTERM then stops both cleanly.
      await Promise.all(third.map((child) => child.go()));
      await eventually(async () => (await unpublishedRows()) === 0, 30_000, 'the outbox to be drained');
      for (const child of third) {
        expect(await child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
        expect(child.lines).toContain('stopped');
      }

      const ids = (await db.query<{ id: string }>(`select id from outbox`)).map((r) => r.id);
      expect(ids).toHaveLength(TOTAL);
      const onKafka = await topicMessageCount(admin, topic);
      // The batch held in step 1 was published again after the restart (at-least-once).
      expect(onKafka).toBeGreaterThanOrEqual(TOTAL + BATCH);

      await eventually(() => collector.received.length === onKafka, 30_000, `the collector to receive all ${onKafka} messages`);
      const seen = new Set(collector.received.map((m) => JSON.parse(m.value!.toString()).id as string));
      expect(seen.size).toBe(TOTAL);
      expect(ids.every((id) => seen.has(id))).toBe(true);
      expect(rolledBack.some((id) => seen.has(id))).toBe(false);
      expect(collector.received.every((m) => m.key === JSON.parse(m.value!.toString()).aggregateId && m.headers['event-id'] === JSON.parse(m.value!.toString()).id)).toBe(true);

      await eventually(async () => (await scalar(`select count(*) as n from inbox where consumer = $1`, [GROUP])) === TOTAL, 40_000, 'the consumer to apply every event');
      await eventually(
        async () => (await consumerOutcomes(metrics, GROUP, 'applied')) + (await consumerOutcomes(metrics, GROUP, 'duplicate')) === onKafka,
        20_000,
        'the consumer to handle every message on the topic',
      );
    } finally {
      await consumer.stop();
      await collector.stop();
    }

    // Exactly once: as many side-effect rows as events, each event once, and every outbox event among them.
    const [applied] = await db.query<{ n: string; distinct_ids: string; missing: string; rolled_back: string }>(
      `select count(*) as n, count(distinct event_id) as distinct_ids,
              (select count(*) from outbox o where not exists (select 1 from applied_entry a where a.event_id = o.id)) as missing,
              count(*) filter (where event_id = any($1::uuid[])) as rolled_back
         from applied_entry`,
      [rolledBack],
    );
    expect(applied).toEqual({ n: String(TOTAL), distinct_ids: String(TOTAL), missing: '0', rolled_back: '0' });
    expect(await consumerOutcomes(metrics, GROUP, 'applied')).toBe(TOTAL);
    expect(await consumerOutcomes(metrics, GROUP, 'duplicate')).toBeGreaterThanOrEqual(BATCH);
    // Redelivery never disturbed per-aggregate order: every entry was applied right after its predecessor.
    expect(await scalar(`select count(*) as n from applied_entry where prev_sequence is distinct from nullif(sequence - 1, 0)`)).toBe(0);
  });
  it("publishes each envelope's appended JSON text byte for byte, with its id, type and trace context as headers", async () => {
    const prefix = uniqueTopicPrefix('outbox-bytes');
    const topic = `${prefix}ledger.events`;
    await bus.ensureTopics([topic], 1);
    const outbox = new Outbox(schemas, prefix);
    const appended = await db.transaction((tx) => outbox.append<LedgerEntry>(tx, { type: LEDGER_EVENT, aggregateId: 'ledger-bytes', payload: { sequence: 1, amount: 10 } }));
    // A row appended by another process in a trace: its trace context travels as headers.
    const traced = { ...appended, id: randomUUID(), payload: { sequence: 2, amount: 3 }, trace: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` } };
    await db.execute(`insert into outbox (id, topic, aggregate_id, type, version, envelope) values ($1, $2, $3, $4, 1, $5)`, [
      traced.id,
      topic,
      traced.aggregateId,
      traced.type,
      JSON.stringify(traced),
    ]);
    const collector = await collectMessages(bus, [topic]);
    try {
      const relay = new OutboxRelay({ db, bus, logger, schema: SCHEMA, batchSize: 500, pollMs: 20_000 });
      await eventually(async () => (await relay.publishBatch()) === 0 && (await scalar(`select count(*) as n from outbox where topic = $1 and published_at is null`, [topic])) === 0);
      await eventually(() => collector.received.length === 2, 20_000, 'both messages');
      const [first, second] = collector.received;
      expect(first!.value!.toString()).toBe(JSON.stringify(appended));
      expect(first!.headers).toEqual({ 'event-id': appended.id, 'event-type': LEDGER_EVENT });
      expect(second!.value!.toString()).toBe(JSON.stringify(traced));
      expect(second!.headers).toEqual({ 'event-id': traced.id, 'event-type': LEDGER_EVENT, traceparent: traced.trace.traceparent });
    } finally {
      await collector.stop();
    }
  });

  it('stop() returns promptly when called while a batch is being published, after marking that batch', async () => {
    const prefix = uniqueTopicPrefix('outbox-stop');
    const topic = `${prefix}ledger.events`;
    await bus.ensureTopics([topic], 3);
    const outbox = new Outbox(schemas, prefix);
    const ids = await db.transaction(async (tx) => {
      const appended = [];
      for (let sequence = 1; sequence <= 3; sequence += 1) {
        appended.push(await outbox.append<LedgerEntry>(tx, { type: LEDGER_EVENT, aggregateId: 'ledger-stop', payload: { sequence, amount: 1 } }));
      }
      return appended.map((e) => e.id);
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const publishing = new Promise<void>((r) => (entered = r));
    const gated: EventBus = {
      publish: async (messages) => {
        entered();
        await gate;
        await bus.publish(messages);
      },
      subscribe: (options) => bus.subscribe(options),
      ensureTopics: (topics, partitions) => bus.ensureTopics(topics, partitions),
      ping: () => bus.ping(),
      close: async () => undefined,
    };
    // A long poll interval: a stop that waited for the next poll would take 20 s.
    const relay = new OutboxRelay({ db, bus: gated, logger, schema: SCHEMA, batchSize: 50, pollMs: 20_000 });
    await relay.start();
    await publishing;
    const stopping = relay.stop();
    const started = Date.now();
    await sleep(200);
    release();
    await stopping;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await scalar(`select count(*) as n from outbox where id = any($1::uuid[]) and published_at is not null`, [ids])).toBe(3);
    expect(await topicMessageCount(admin, topic)).toBe(3);
  });
});
