/**
 * Outbox.appendWith: a write and its event in one SQL statement — the event exists exactly when
 * the write returned a row, both or neither commit, and the relay is woken once per written event.
 */
import pg from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@instainstru/test-harness';
import { Database } from './database';
import { fixtureSchemas, LEDGER_EVENT } from './events-testing/fixtures';
import { Outbox } from './outbox';

const SCHEMA = 'catalog';
let testDb: TestDatabase;
let db: Database;
let listener: pg.Client;
const notifications: string[] = [];
const outbox = new Outbox(fixtureSchemas(), 'append-with.');

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 2 }).connect();
  await db.execute(`create table lesson_probe (id integer primary key, note text not null)`);
  listener = new pg.Client({ connectionString: testDb.urlFor(SCHEMA) });
  await listener.connect();
  listener.on('notification', (n) => notifications.push(n.channel));
  await listener.query('listen outbox_appended');
});

afterAll(async () => {
  await listener?.end();
  await db?.close();
  await testDb?.drop();
});

const event = (sequence: number) => ({ type: LEDGER_EVENT, aggregateId: `probe-${sequence}`, payload: { sequence, amount: 1 } });
const insertProbe = (id: number) => ({ text: `insert into lesson_probe (id, note) values ($1, $2) on conflict do nothing returning id, note`, params: [id, `probe ${id}`] });
const outboxRows = (aggregateId: string) => db.query<{ type: string; topic: string }>(`select type, topic from outbox where aggregate_id = $1`, [aggregateId]);

describe('Outbox.appendWith', () => {
  it('writes the row and its event together, answers the written rows and wakes the relay once', async () => {
    const before = notifications.length;
    await expect(outbox.appendWith(db, insertProbe(1), event(1))).resolves.toEqual([{ id: 1, note: 'probe 1' }]);
    expect(await outboxRows('probe-1')).toEqual([{ type: LEDGER_EVENT, topic: 'append-with.ledger.events' }]);
    await eventually(() => notifications.length === before + 1, 5000, 'one notification');
  });

  it('appends nothing when the write returned no row', async () => {
    const before = notifications.length;
    await expect(outbox.appendWith(db, insertProbe(1), event(2))).resolves.toEqual([]);
    expect(await outboxRows('probe-2')).toEqual([]);
    // A later write's notification arrives after any the empty one could have sent.
    await outbox.appendWith(db, insertProbe(3), event(3));
    await eventually(() => notifications.length === before + 1, 5000, 'only the third write notifies');
  });

  it('appends nothing when the write fails, and rolls back with the transaction around it', async () => {
    const failing = { text: `insert into lesson_probe (id, note) values ($1, null) returning id`, params: [4] };
    await expect(outbox.appendWith(db, failing, event(4))).rejects.toThrow(/null value/);
    expect(await outboxRows('probe-4')).toEqual([]);
    await expect(
      db.transaction(async (tx) => {
        await outbox.appendWith(tx, insertProbe(5), event(5));
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await outboxRows('probe-5')).toEqual([]);
    expect(await db.query(`select id from lesson_probe where id = 5`)).toEqual([]);
  });

  it('refuses an event that does not match its schema before writing anything', async () => {
    await expect(outbox.appendWith(db, insertProbe(6), { type: LEDGER_EVENT, aggregateId: 'probe-6', payload: { sequence: 'six' } })).rejects.toThrow();
    expect(await db.query(`select id from lesson_probe where id = 6`)).toEqual([]);
  });

  it('runs as a named prepared statement when asked, reused on the connection across calls and transactions', async () => {
    const prepared = (id: number) => ({ ...insertProbe(id), prepare: true });
    await db.transaction(async (tx) => {
      expect(await outbox.appendWith(tx, prepared(7), event(7))).toEqual([{ id: 7, note: 'probe 7' }]);
      expect(await outbox.appendWith(tx, prepared(8), event(8))).toEqual([{ id: 8, note: 'probe 8' }]);
      const statements = await tx.query<{ name: string }>(`select name from pg_prepared_statements where statement like '%insert into lesson_probe%'`);
      expect(statements).toHaveLength(1);
      expect(statements[0]!.name).toMatch(/^s_[0-9a-f]{24}$/);
    });
    expect(await outbox.appendWith(db, prepared(7), event(9))).toEqual([]);
    expect((await outboxRows('probe-7')).length + (await outboxRows('probe-8')).length).toBe(2);
    expect(await outboxRows('probe-9')).toEqual([]);
  });
});
