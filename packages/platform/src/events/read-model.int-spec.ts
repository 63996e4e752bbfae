/**
 * storeLatestRevision: a read model built from state events keeps the newest state of each
 * aggregate, whatever order and however many times the events arrive.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@instainstru/test-harness';
import { Database } from '../database/database';
import { sqlExpression, storeLatestRevision, type RevisionedTable } from './read-model';

const SCHEMA = 'catalog';
const TABLE: RevisionedTable = { name: 'teacher_view', idColumn: 'teacher_id', revisionColumn: 'revision', updatedAtColumn: 'updated_at' };
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await new Database({ url: testDb.urlFor(SCHEMA), schema: SCHEMA, poolMax: 8 }).connect();
  await db.execute(`create table teacher_view (
    teacher_id uuid primary key, name text not null, badge text, revision integer not null, updated_at timestamptz not null default now())`);
});

afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

interface ViewRow {
  name: string;
  badge: string | null;
  revision: number;
  updated_at: Date;
}

const store = (id: string, revision: number, name: string) => storeLatestRevision(db, TABLE, { id, revision, columns: { name } });
const rowOf = async (id: string) => (await db.query<ViewRow>(`select name, badge, revision, updated_at from teacher_view where teacher_id = $1`, [id]))[0];

describe('storeLatestRevision', () => {
  it('stores the first state of an aggregate, then each newer one, touching updated_at', async () => {
    const id = randomUUID();
    expect(await store(id, 1, 'Ada')).toBe(true);
    const first = await rowOf(id);
    expect(first).toMatchObject({ name: 'Ada', revision: 1 });
    expect(await db.transaction((tx) => storeLatestRevision(tx, TABLE, { id, revision: 3, columns: { name: 'Ada L.' } }))).toBe(true);
    const second = await rowOf(id);
    expect(second).toMatchObject({ name: 'Ada L.', revision: 3 });
    expect(second!.updated_at.getTime()).toBeGreaterThan(first!.updated_at.getTime());
  });

  it('drops an older revision: nothing changes', async () => {
    const id = randomUUID();
    await store(id, 5, 'Newest');
    const before = await rowOf(id);
    expect(await store(id, 4, 'Older')).toBe(false);
    expect(await rowOf(id)).toEqual(before);
  });

  it('stores the same revision again (a republished state backfills what the row lacks)', async () => {
    const id = randomUUID();
    await store(id, 2, 'Grace');
    expect(await storeLatestRevision(db, TABLE, { id, revision: 2, columns: { name: 'Grace', badge: 'kids' } })).toBe(true);
    expect(await rowOf(id)).toMatchObject({ name: 'Grace', badge: 'kids', revision: 2 });
  });

  it('keeps the newest of many revisions of one aggregate applied at once, in any order', async () => {
    const id = randomUUID();
    const revisions = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(revisions.map((revision) => db.transaction((tx) => storeLatestRevision(tx, TABLE, { id, revision, columns: { name: `rev ${revision}` } }))));
    expect(await rowOf(id)).toMatchObject({ name: 'rev 20', revision: 20 });
  });

  it('computes a column Postgres-side from its own parameters', async () => {
    const id = randomUUID();
    const badge = (first: string | null, second: string) => sqlExpression(`case when $1::text is null then null else $1::text || '+' || $2::text end`, first, second);
    await storeLatestRevision(db, TABLE, { id, revision: 1, columns: { name: 'Lin', badge: badge('kids', 'teens') } });
    expect(await rowOf(id)).toMatchObject({ badge: 'kids+teens' });
    await storeLatestRevision(db, TABLE, { id, revision: 2, columns: { badge: badge(null, 'teens'), name: 'Lin' } });
    expect(await rowOf(id)).toMatchObject({ name: 'Lin', badge: null, revision: 2 });
  });

  it('refuses a table or column name that is not a plain identifier, before any SQL runs', async () => {
    await expect(storeLatestRevision(db, TABLE, { id: randomUUID(), revision: 1, columns: { 'name = null; --': 'x' } })).rejects.toThrow(/not a plain lower-case SQL identifier/);
    await expect(storeLatestRevision(db, { ...TABLE, name: 'teacher_view t' }, { id: randomUUID(), revision: 1, columns: { name: 'x' } })).rejects.toThrow(/identifier/);
  });
});
