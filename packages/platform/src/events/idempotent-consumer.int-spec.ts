/**
 * IdempotentConsumer against the real broker and database (DESIGN §2): redelivered events change
 * nothing, poison messages are dead-lettered without stalling their partition, a handler that
 * fails and then succeeds is applied once, and a failed attempt leaves no trace.
 */
import { deadLetterTopic, type EventEnvelope } from '@instainstru/events';
import { createTestDatabase, eventually, testEventBus, uniqueTopicPrefix, collectMessages, type TestDatabase } from '@instainstru/test-harness';
import type { Admin } from 'kafkajs';
import { Database } from '../database/database';
import { IdempotentConsumer, type EventHandler } from './idempotent-consumer';
import {
  asMessage,
  connectAdmin,
  consumerOutcomes,
  createAppliedEntryTable,
  fixtureSchemas,
  LEDGER_EVENT,
  ledgerEvent,
  recordEntry,
  sleep,
  topicMessageCount,
  uniqueGroupId,
  type LedgerEntry,
} from './testing/fixtures';
import { createLogger } from '../runtime/logger';
import { PlatformMetrics } from '../runtime/metrics';
import type { EventBus } from './event-bus';

jest.setTimeout(60_000);

const SCHEMA = 'catalog';
const logger = createLogger('idempotent-consumer-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const schemas = fixtureSchemas();

let testDb: TestDatabase;
let db: Database;
let producer: EventBus;
let admin: Admin;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 5 }).connect();
  await createAppliedEntryTable(db);
  producer = testEventBus('consumer-test-producer');
  admin = await connectAdmin();
});

afterEach(async () => {
  // Stopping a kafkajs consumer waits for its fetch long-poll, so stop everything at once.
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

afterAll(async () => {
  await admin?.disconnect();
  await producer?.close();
  await db?.close();
  await testDb?.drop();
});

/** A topic of its own, a consumer bus of its own and a consumer over them; stopped after the test. */
async function setup(groupId: string, handler: EventHandler, options: { maxAttempts?: number; retryDelayMs?: number } = {}) {
  const prefix = uniqueTopicPrefix('ic');
  const topic = `${prefix}ledger.events`;
  const dlq = deadLetterTopic(groupId, prefix);
  await producer.ensureTopics([topic, dlq], 3);
  const bus = testEventBus(`consumer-test-${groupId}`);
  cleanups.push(() => bus.close());
  const metrics = new PlatformMetrics('consumer-test');
  const consumer = () =>
    new IdempotentConsumer({
      db,
      bus,
      schemas,
      logger,
      metrics,
      groupId,
      topics: [topic],
      handlers: { [LEDGER_EVENT]: handler },
      topicPrefix: prefix,
      maxAttempts: options.maxAttempts ?? 3,
      retryDelayMs: options.retryDelayMs ?? 20,
    });
  return { prefix, topic, dlq, bus, metrics, consumer };
}

async function appliedRows(eventIds: string[]) {
  return db.query<{ event_id: string; sequence: number; n: string }>(
    `select event_id, min(sequence) as sequence, count(*) as n from applied_entry where event_id = any($1::uuid[]) group by event_id`,
    [eventIds],
  );
}

async function inboxCount(groupId: string, eventIds: string[]): Promise<number> {
  const [row] = await db.query<{ n: string }>(`select count(*) as n from inbox where consumer = $1 and event_id = any($2::uuid[])`, [groupId, eventIds]);
  return Number(row?.n);
}

describe('IdempotentConsumer (real Kafka and Postgres)', () => {
  it('applies a redelivered batch once: duplicates on the topic and a rewound group change nothing', async () => {
    const groupId = uniqueGroupId('redelivery-projector');
    const invocations = new Map<string, number>();
    const handler: EventHandler = async (tx, event) => {
      invocations.set(event.id, (invocations.get(event.id) ?? 0) + 1);
      await recordEntry(tx, event, groupId);
    };
    const { topic, metrics, consumer } = await setup(groupId, handler);
    const events = Array.from({ length: 10 }, (_, a) => [1, 2, 3].map((s) => ledgerEvent(`acct-${a}`, s))).flat();
    const ids = events.map((e) => e.id);
    // The same batch twice, as a relay that crashed between publish and mark would send it.
    await producer.publish(events.map((e) => asMessage(topic, e)));
    await producer.publish(events.map((e) => asMessage(topic, e)));
    expect(await topicMessageCount(admin, topic)).toBe(60);

    const first = consumer();
    await first.start();
    cleanups.push(() => first.stop());
    await eventually(async () => (await consumerOutcomes(metrics, groupId, 'applied')) + (await consumerOutcomes(metrics, groupId, 'duplicate')) === 60, 30_000, 'the first consumer to see all 60 messages');
    expect(await consumerOutcomes(metrics, groupId, 'applied')).toBe(30);
    expect(await consumerOutcomes(metrics, groupId, 'duplicate')).toBe(30);
    await first.stop();

    // stop() committed the group's position at the end of the topic...
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const end = await admin.fetchTopicOffsets(topic);
    expect(committed[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual(end.map((p) => [p.partition, p.high]).sort());

    // ...so rewind it, as if the offsets had never been committed, and let a new member of the group redeliver everything.
    await admin.resetOffsets({ groupId, topic, earliest: true });
    const second = consumer();
    await second.start();
    cleanups.push(() => second.stop());
    await eventually(async () => (await consumerOutcomes(metrics, groupId, 'duplicate')) === 90, 30_000, 'the second consumer to see all 60 messages again');

    expect(await consumerOutcomes(metrics, groupId, 'applied')).toBe(30);
    const rows = await appliedRows(ids);
    expect(rows).toHaveLength(30);
    expect(rows.every((r) => r.n === '1')).toBe(true);
    const [totals] = await db.query<{ n: string; distinct_ids: string }>(`select count(*) as n, count(distinct event_id) as distinct_ids from applied_entry where applied_by = $1`, [groupId]);
    expect(totals).toEqual({ n: '30', distinct_ids: '30' });
    expect(await inboxCount(groupId, ids)).toBe(30);
    expect([...invocations.values()].every((n) => n === 1)).toBe(true);
    expect(invocations.size).toBe(30);
  });

  it('dead-letters poison messages (unparseable, schema-invalid, always failing) and moves the partition on', async () => {
    const groupId = uniqueGroupId('poison-projector');
    const invocations = new Map<string, number>();
    const handler: EventHandler = async (tx, event) => {
      invocations.set(event.id, (invocations.get(event.id) ?? 0) + 1);
      await recordEntry(tx, event, groupId);
      if ((event.payload as LedgerEntry).amount < 0) throw new Error(`boom: negative amount in ${event.id}`);
    };
    const { topic, dlq, metrics, consumer } = await setup(groupId, handler, { maxAttempts: 3, retryDelayMs: 20 });
    const key = 'acct-poison';
    const ok = [1, 2, 3, 5, 6].map((s) => ledgerEvent(key, s));
    const schemaInvalid = ledgerEvent(key, 3);
    (schemaInvalid as EventEnvelope).payload = { sequence: 'three', amount: 30 };
    expect(() => schemas.validate(schemaInvalid)).toThrow();
    const alwaysFails = ledgerEvent(key, 4, -1);
    const unparseable = '{"id": "6a1f0000-0000-4000-8000-000000000000", "type": "ledger.entry-rec';
    const [s1, s2, s3, s5, s6] = ok as [EventEnvelope, EventEnvelope, EventEnvelope, EventEnvelope, EventEnvelope];
    // One key, so one partition, in this order.
    await producer.publish([
      asMessage(topic, s1),
      { topic, key, value: unparseable, headers: { 'event-type': LEDGER_EVENT } },
      asMessage(topic, s2),
      asMessage(topic, schemaInvalid),
      asMessage(topic, s3),
      asMessage(topic, alwaysFails),
      asMessage(topic, s5),
      asMessage(topic, s6),
    ]);
    const dead = await collectMessages(producer, [dlq]);
    cleanups.push(() => dead.stop());

    const c = consumer();
    await c.start();
    cleanups.push(() => c.stop());
    // The last event of the partition applied means everything before it was dealt with.
    await eventually(async () => (await appliedRows([s6.id])).length === 1, 30_000, 'the last event of the partition to be applied');
    await eventually(() => dead.received.length >= 3, 20_000, 'three dead letters');

    const rows = await db.query<{ sequence: number }>(`select sequence from applied_entry where applied_by = $1 order by id`, [groupId]);
    expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 5, 6]);
    expect(await inboxCount(groupId, ok.map((e) => e.id))).toBe(5);
    // The failing handler's writes, inbox row included, were rolled back on every attempt.
    expect(await appliedRows([alwaysFails.id, schemaInvalid.id])).toEqual([]);
    expect(await inboxCount(groupId, [alwaysFails.id, schemaInvalid.id])).toBe(0);
    // Exactly maxAttempts attempts for the failing handler; the unreadable ones never reached a handler.
    expect(invocations.get(alwaysFails.id)).toBe(3);
    expect(invocations.has(schemaInvalid.id)).toBe(false);
    expect(ok.map((e) => invocations.get(e.id))).toEqual([1, 1, 1, 1, 1]);

    expect(await topicMessageCount(admin, dlq)).toBe(3);
    const [a, b, cMsg] = dead.received;
    expect(a!.value!.toString()).toBe(unparseable);
    expect(a!.headers['dlq-reason']).toMatch(/^unreadable message/);
    expect(a!.headers['dlq-attempts']).toBe('0');
    expect(b!.headers['event-id']).toBe(schemaInvalid.id);
    expect(b!.headers['dlq-reason']).toMatch(/Invalid payload for ledger\.entry-recorded v1.*\/sequence must be integer/);
    expect(b!.headers['dlq-attempts']).toBe('0');
    expect(JSON.parse(b!.value!.toString())).toEqual(schemaInvalid);
    expect(cMsg!.headers['event-id']).toBe(alwaysFails.id);
    expect(cMsg!.headers['dlq-reason']).toBe(`boom: negative amount in ${alwaysFails.id}`);
    expect(cMsg!.headers['dlq-attempts']).toBe('3');
    for (const m of dead.received) {
      expect(m.key).toBe(key);
      expect(m.headers['dlq-source-topic']).toBe(topic);
    }
    expect(dead.received.map((m) => Number(m.headers['dlq-source-offset']))).toEqual([1, 3, 5]);
    expect(await consumerOutcomes(metrics, groupId, 'dead-lettered')).toBe(3);
    expect(await consumerOutcomes(metrics, groupId, 'retried')).toBe(2);
  });

  it('applies an event once when its handler fails and then succeeds, rolling back the failed attempts', async () => {
    const groupId = uniqueGroupId('flaky-projector');
    const invocations = new Map<string, number>();
    const handler: EventHandler = async (tx, event) => {
      const attempt = (invocations.get(event.id) ?? 0) + 1;
      invocations.set(event.id, attempt);
      await recordEntry(tx, event, `${groupId} attempt ${attempt}`);
      if ((event.payload as LedgerEntry).amount < 0 && attempt < 3) throw new Error(`transient failure ${attempt}`);
    };
    const { topic, dlq, metrics, consumer } = await setup(groupId, handler, { maxAttempts: 4, retryDelayMs: 20 });
    const key = 'acct-flaky';
    const before = ledgerEvent(key, 1);
    const flaky = ledgerEvent(key, 2, -5);
    const after = ledgerEvent(key, 3);
    await producer.publish([before, flaky, after].map((e) => asMessage(topic, e)));

    const c = consumer();
    await c.start();
    cleanups.push(() => c.stop());
    await eventually(async () => (await appliedRows([after.id])).length === 1, 30_000, 'the event after the flaky one to be applied');

    expect(invocations.get(flaky.id)).toBe(3);
    const rows = await db.query<{ event_id: string; sequence: number; applied_by: string }>(
      `select event_id, sequence, applied_by from applied_entry where aggregate_id = $1 order by id`,
      [key],
    );
    // Only the third attempt's write survived; the first two were rolled back with their inbox rows.
    expect(rows).toEqual([
      { event_id: before.id, sequence: 1, applied_by: `${groupId} attempt 1` },
      { event_id: flaky.id, sequence: 2, applied_by: `${groupId} attempt 3` },
      { event_id: after.id, sequence: 3, applied_by: `${groupId} attempt 1` },
    ]);
    expect(await inboxCount(groupId, [before.id, flaky.id, after.id])).toBe(3);
    expect(await consumerOutcomes(metrics, groupId, 'retried')).toBe(2);
    expect(await consumerOutcomes(metrics, groupId, 'dead-lettered')).toBe(0);
    expect(await topicMessageCount(admin, dlq)).toBe(0);
  });
  it('stop() lets the message in flight finish and commits it; the next member resumes right after it', async () => {
    const groupId = uniqueGroupId('stopping-projector');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inFlight = new Promise<void>((r) => (reached = r));
    const handler: EventHandler = async (tx, event) => {
      await recordEntry(tx, event, groupId);
      if ((event.payload as LedgerEntry).sequence === 5) {
        reached();
        await gate;
      }
    };
    const { topic, metrics, consumer } = await setup(groupId, handler);
    const key = 'acct-stop';
    const events = Array.from({ length: 10 }, (_, i) => ledgerEvent(key, i + 1));
    await producer.publish(events.map((e) => asMessage(topic, e)));

    const first = consumer();
    await first.start();
    cleanups.push(() => first.stop());
    await inFlight;
    const stopping = first.stop();
    await sleep(300);
    release();
    await stopping;

    const applied = await db.query<{ sequence: number }>(`select sequence from applied_entry where aggregate_id = $1 order by id`, [key]);
    expect(applied.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5]);
    // The in-flight message's offset was committed: the group's position is right after it.
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed!.partitions.map((p) => p.offset).sort()).toEqual(['-1', '-1', '5']);

    const second = consumer();
    await second.start();
    cleanups.push(() => second.stop());
    await eventually(async () => (await appliedRows(events.map((e) => e.id))).length === 10, 30_000, 'the second member to apply the rest');
    const all = await db.query<{ sequence: number }>(`select sequence from applied_entry where aggregate_id = $1 order by id`, [key]);
    expect(all.map((r) => r.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await consumerOutcomes(metrics, groupId, 'applied')).toBe(10);
    expect(await consumerOutcomes(metrics, groupId, 'duplicate')).toBe(0);
  });
});
