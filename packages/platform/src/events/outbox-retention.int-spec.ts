/**
 * OutboxRetention against real Postgres: published events leave the outbox once the retention has
 * passed; an event not yet published never does, whatever its age.
 */
import { createTestDatabase, type TestDatabase } from '@instainstru/test-harness';
import { Database } from '../database/database';
import { PlatformMetrics } from '../runtime/metrics';
import { OutboxRetention } from './outbox-retention';

const SCHEMA = 'catalog';
const DAY = 24 * 3_600_000;
const NOW = new Date('2026-11-24T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 4 }).connect();
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

beforeEach(async () => {
  await db.execute('delete from outbox');
});

/** Appends one event per entry, in order: its publication time, or null when not yet published. */
async function outboxOf(publishedAt: (Date | null)[]): Promise<string[]> {
  const aggregates: string[] = [];
  for (const [i, at] of publishedAt.entries()) {
    const aggregate = `lesson-${i}`;
    await db.execute(
      `insert into outbox (id, topic, aggregate_id, type, version, envelope, created_at, published_at)
       values (gen_random_uuid(), 'catalog.events', $1, 'catalog.probe', 1, '{}', coalesce($2::timestamptz, $3::timestamptz), $2)`,
      [aggregate, at, NOW],
    );
    aggregates.push(aggregate);
  }
  return aggregates;
}

const remaining = async () => (await db.query<{ aggregate_id: string }>('select aggregate_id from outbox order by seq')).map((r) => r.aggregate_id);

describe('outbox retention', () => {
  it('deletes events published before the retention and keeps unpublished and recent ones', async () => {
    const retention = new OutboxRetention({ db, retentionMs: 7 * DAY });
    const [, , stuck, oldAfterStuck, recent, unpublished] = await outboxOf([daysAgo(10), daysAgo(9), null, daysAgo(7.5), daysAgo(1), null]);

    await expect(retention.sweep(NOW)).resolves.toBe(2);
    // Publication follows sequence order, so the sweep stops at the first event still to keep: one
    // published after an unpublished event waits until that one is published too.
    expect(await remaining()).toEqual([stuck, oldAfterStuck, recent, unpublished]);
    await expect(retention.sweep(NOW)).resolves.toBe(0);

    await db.execute(`update outbox set published_at = $1 where aggregate_id = $2`, [daysAgo(8), stuck]);
    await expect(retention.sweep(NOW)).resolves.toBe(2);
    expect(await remaining()).toEqual([recent, unpublished]);
    // Much later, the recent one is past the retention too; the unpublished one stays.
    await expect(retention.sweep(new Date(NOW.getTime() + 30 * DAY))).resolves.toBe(1);
    expect(await remaining()).toEqual([unpublished]);
  });

  it('deletes in batches within one sweep and counts what it deleted', async () => {
    const metrics = new PlatformMetrics('outbox-retention-test');
    const retention = new OutboxRetention({ db, retentionMs: DAY, batchSize: 5, metrics });
    const [, , , , , , , , , , , , keep] = await outboxOf([...Array.from({ length: 12 }, () => daysAgo(3)), daysAgo(0.5)]);

    await expect(retention.sweep(NOW)).resolves.toBe(12);
    expect(await remaining()).toEqual([keep]);
    expect((await metrics.outboxPurged.get()).values[0]?.value).toBe(12);
  });

  it('lets sweeps run side by side: every old event is deleted exactly once', async () => {
    await outboxOf(Array.from({ length: 40 }, () => daysAgo(2)));
    const sweeps = Array.from({ length: 3 }, () => new OutboxRetention({ db, retentionMs: DAY, batchSize: 4 }));
    const deleted = await Promise.all(sweeps.map((s) => s.sweep(NOW)));
    expect(deleted.reduce((a, b) => a + b, 0)).toBe(40);
    expect(await remaining()).toEqual([]);
  });

  it('has nothing to do on an empty outbox', async () => {
    await expect(new OutboxRetention({ db, retentionMs: DAY }).sweep(NOW)).resolves.toBe(0);
  });
});
