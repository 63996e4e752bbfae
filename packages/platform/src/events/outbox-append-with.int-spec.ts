/**
 * Outbox.appendWith: a write and its event in one SQL statement — the event exists exactly when
 * the write returned a row, both or neither commit, and relays are woken only once the event is
 * committed (never for a rolled-back one).
 */
import pg from 'pg';
import { createTestDatabase, eventually, type TestDatabase } from '@instainstru/test-harness';
import { Database } from '../database/database';
import { AppendingStatement } from './appending-statement';
import { CommittedEventsSignal } from './committed-events-signal';
import { Outbox } from './outbox';
import { fixtureSchemas, LEDGER_EVENT } from './testing/fixtures';

const SCHEMA = 'catalog';
let testDb: TestDatabase;
let db: Database;
let listener: pg.Client;
let outbox: Outbox;
/** Per notification: how many outbox rows were committed when it arrived. */
const notifications: number[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 2 }).connect();
  await db.execute(`create table lesson_probe (id integer primary key, note text not null)`);
  listener = new pg.Client({ connectionString: testDb.urlFor(SCHEMA) });
  await listener.connect();
  // What the listener sees when woken: a notification sent before the commit would find fewer rows.
  listener.on('notification', () => {
    // A notification still arriving while the listener closes (after the last test) is not counted.
    listener.query<{ n: number }>(`select count(*)::int as n from outbox`).then(
      (r) => notifications.push(r.rows[0]!.n),
      () => undefined,
    );
  });
  await listener.query('listen outbox_appended');
  outbox = new Outbox(fixtureSchemas(), 'append-with.', new CommittedEventsSignal(db));
});

afterAll(async () => {
  listener?.removeAllListeners('notification');
  await listener?.end();
  await db?.close();
  await testDb?.drop();
});

const event = (sequence: number) => ({ type: LEDGER_EVENT, aggregateId: `probe-${sequence}`, payload: { sequence, amount: 1 } });
const INSERT_PROBE = new AppendingStatement({ text: `insert into lesson_probe (id, note) values ($1, $2) on conflict do nothing returning id, note`, params: 2 });
const probe = (id: number) => [id, `probe ${id}`];
const outboxRows = (aggregateId: string) => db.query<{ type: string; topic: string }>(`select type, topic from outbox where aggregate_id = $1`, [aggregateId]);

describe('Outbox.appendWith', () => {
  const committedEvents = async () => Number((await db.query<{ n: string }>(`select count(*) as n from outbox`))[0]!.n);

  it('writes the row and its event together, answers the written rows and wakes the relay once', async () => {
    const before = notifications.length;
    await expect(outbox.appendWith(db, INSERT_PROBE, probe(1), event(1))).resolves.toEqual([{ id: 1, note: 'probe 1' }]);
    expect(await outboxRows('probe-1')).toEqual([{ type: LEDGER_EVENT, topic: 'append-with.ledger.events' }]);
    await eventually(() => notifications.length === before + 1, 5000, 'one notification');
    expect(notifications.at(-1)).toBe(await committedEvents());
  });

  it('inside a transaction, wakes the relay only after the commit, and never for a rollback', async () => {
    const before = notifications.length;
    await db.transaction(async (tx) => {
      await outbox.appendWith(tx, INSERT_PROBE, probe(11), event(11));
      await outbox.append(tx, event(12));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(notifications.length).toBe(before);
    });
    await eventually(() => notifications.length > before, 5000, 'a notification after the commit');
    expect(notifications.slice(before).every((seen) => seen === notifications.at(-1))).toBe(true);
    expect(notifications.at(-1)).toBe(await committedEvents());

    // The commit's two appends may be announced twice, the second a few milliseconds later.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterCommit = notifications.length;
    await expect(
      db.transaction(async (tx) => {
        await outbox.appendWith(tx, INSERT_PROBE, probe(13), event(13));
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notifications.length).toBe(afterCommit);
  });

  it('announces the last of a burst of concurrent appends', async () => {
    const before = notifications.length;
    await Promise.all(Array.from({ length: 40 }, (_, i) => outbox.appendWith(db, INSERT_PROBE, probe(100 + i), event(100 + i))));
    const total = await committedEvents();
    // Coalesced (at most one NOTIFY in flight), yet one of them went out after the last commit.
    await eventually(() => notifications.slice(before).includes(total), 5000, 'a notification that sees every event');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a trailing one, if any, lands here
    expect(notifications.length - before).toBeLessThanOrEqual(40);
  });

  it('reads what the write needs in the same statement, answers its own select, and wakes relays only when it appended', async () => {
    const before = notifications.length;
    const write = new AppendingStatement({
      reads: `wanted as (select $1::int as id where $3::boolean)`,
      text: `insert into lesson_probe (id, note) select id, $2 from wanted on conflict do nothing returning id`,
      params: 3,
      answer: `select (select count(*)::int from wanted) as wanted, (select id from written) as written`,
    });
    await expect(outbox.appendWith(db, write, [20, 'probe 20', true], event(20))).resolves.toEqual([{ wanted: 1, written: 20 }]);
    await expect(outbox.appendWith(db, write, [20, 'again', true], event(21))).resolves.toEqual([{ wanted: 1, written: null }]);
    await expect(outbox.appendWith(db, write, [22, 'unwanted', false], event(22))).resolves.toEqual([{ wanted: 0, written: null }]);
    expect((await outboxRows('probe-20')).length).toBe(1);
    expect(await outboxRows('probe-21')).toEqual([]);
    expect(await outboxRows('probe-22')).toEqual([]);
    await eventually(() => notifications.length === before + 1, 5000, 'the first write notifies');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notifications.length).toBe(before + 1);
  });

  it('appends nothing when the write returned no row', async () => {
    const before = notifications.length;
    await expect(outbox.appendWith(db, INSERT_PROBE, probe(1), event(2))).resolves.toEqual([]);
    expect(await outboxRows('probe-2')).toEqual([]);
    // A later write's notification arrives after any the empty one could have sent.
    await outbox.appendWith(db, INSERT_PROBE, probe(3), event(3));
    await eventually(() => notifications.length === before + 1, 5000, 'only the third write notifies');
  });

  it('appends nothing when the write fails, and rolls back with the transaction around it', async () => {
    const failing = new AppendingStatement({ text: `insert into lesson_probe (id, note) values ($1, null) returning id`, params: 1 });
    await expect(outbox.appendWith(db, failing, [4], event(4))).rejects.toThrow(/null value/);
    expect(await outboxRows('probe-4')).toEqual([]);
    await expect(
      db.transaction(async (tx) => {
        await outbox.appendWith(tx, INSERT_PROBE, probe(5), event(5));
        throw new Error('abandoned');
      }),
    ).rejects.toThrow('abandoned');
    expect(await outboxRows('probe-5')).toEqual([]);
    expect(await db.query(`select id from lesson_probe where id = 5`)).toEqual([]);
  });

  it('refuses parameters that do not fit the write, before writing anything', async () => {
    await expect(outbox.appendWith(db, INSERT_PROBE, [30], event(30))).rejects.toThrow('The write takes 2 parameters, not 1');
    expect(await outboxRows('probe-30')).toEqual([]);
  });

  it('refuses an event that does not match its schema before writing anything', async () => {
    await expect(outbox.appendWith(db, INSERT_PROBE, probe(6), { type: LEDGER_EVENT, aggregateId: 'probe-6', payload: { sequence: 'six' } })).rejects.toThrow();
    expect(await db.query(`select id from lesson_probe where id = 6`)).toEqual([]);
  });

  it('runs as a named prepared statement when asked, reused on the connection across calls and transactions', async () => {
    const prepared = new AppendingStatement({ text: `insert into lesson_probe (id, note) values ($1, $2) on conflict do nothing returning id, note`, params: 2, prepare: true });
    await db.transaction(async (tx) => {
      expect(await outbox.appendWith(tx, prepared, probe(7), event(7))).toEqual([{ id: 7, note: 'probe 7' }]);
      expect(await outbox.appendWith(tx, prepared, probe(8), event(8))).toEqual([{ id: 8, note: 'probe 8' }]);
      const statements = await tx.query<{ name: string }>(`select name from pg_prepared_statements where statement like '%insert into lesson_probe%'`);
      expect(statements).toHaveLength(1);
      expect(statements[0]!.name).toMatch(/^s_[0-9a-f]{24}$/);
    });
    expect(await outbox.appendWith(db, prepared, probe(7), event(9))).toEqual([]);
    expect((await outboxRows('probe-7')).length + (await outboxRows('probe-8')).length).toBe(2);
    expect(await outboxRows('probe-9')).toEqual([]);
  });
});
