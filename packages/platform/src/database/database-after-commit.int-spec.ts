/**
 * Sql.afterCommit: an effect announcing written data never runs before that data is visible to
 * others, and never for data that was rolled back.
 */
import { createTestDatabase, type TestDatabase } from '@instainstru/test-harness';
import { Database } from './database';

const SCHEMA = 'catalog';
let testDb: TestDatabase;
let db: Database;
let other: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 2 }).connect();
  other = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 1 }).connect();
  await db.execute(`create table commit_probe (id integer primary key)`);
});

afterAll(async () => {
  await other?.close();
  await db?.close();
  await testDb?.drop();
});

const visibleElsewhere = async (id: number) => (await other.query(`select id from commit_probe where id = $1`, [id])).length === 1;

describe('Sql.afterCommit', () => {
  it('runs a transaction’s effects after its commit, in order, before transaction() resolves', async () => {
    const seen: string[] = [];
    const probes: Promise<boolean>[] = [];
    await db.transaction(async (tx) => {
      await tx.execute(`insert into commit_probe (id) values (1)`);
      tx.afterCommit(() => {
        seen.push('first');
        probes.push(visibleElsewhere(1));
      });
      tx.afterCommit(() => seen.push('second'));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['first', 'second']);
    expect(await Promise.all(probes)).toEqual([true]);
  });

  it('never runs the effects of a transaction that rolled back', async () => {
    const seen: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(`insert into commit_probe (id) values (2)`);
        tx.afterCommit(() => seen.push('rolled back'));
        await tx.execute(`insert into commit_probe (id) values (1)`); // duplicate key: the commit never happens
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(seen).toEqual([]);
    expect(await visibleElsewhere(2)).toBe(false);
  });

  it('runs at once outside a transaction, where each statement has committed when it completes', async () => {
    await db.execute(`insert into commit_probe (id) values (3)`);
    let visible: Promise<boolean> | undefined;
    db.afterCommit(() => (visible = visibleElsewhere(3)));
    expect(await visible).toBe(true);
  });

  it('keeps the commit and the other effects when one effect throws', async () => {
    const seen: string[] = [];
    await db.transaction(async (tx) => {
      await tx.execute(`insert into commit_probe (id) values (4)`);
      tx.afterCommit(() => {
        throw new Error('effect failed');
      });
      tx.afterCommit(() => seen.push('still ran'));
    });
    expect(seen).toEqual(['still ran']);
    expect(await visibleElsewhere(4)).toBe(true);
  });

  it('refuses to report a commit for a transaction a failed statement aborted, even when the work swallowed the error', async () => {
    const seen: string[] = [];
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(`insert into commit_probe (id) values (5)`);
        tx.afterCommit(() => seen.push('aborted'));
        await tx.execute(`insert into commit_probe (id) values (1)`).catch(() => undefined);
      }),
    ).rejects.toThrow(/rolled back/);
    expect(seen).toEqual([]);
    expect(await visibleElsewhere(5)).toBe(false);
    // The connection went back to the pool clean: the next transaction on it commits.
    await db.transaction((tx) => tx.execute(`insert into commit_probe (id) values (6)`));
    expect(await visibleElsewhere(6)).toBe(true);
  });
});
