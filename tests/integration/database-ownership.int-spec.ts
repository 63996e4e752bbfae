import pg from 'pg';
import { SERVICE_NAMES, type ServiceName } from '@instainstru/platform';
import { createTestDatabase, type TestDatabase } from '@instainstru/test-harness';

/** A table each service owns after its migrations. */
const OWNED_TABLE: Record<ServiceName, string> = {
  catalog: 'category',
  instructor: 'instructor_profile',
  availability: 'availability_week',
  booking: 'booking',
  reviews: 'review',
  partners: 'partner_api_key',
};

let db: TestDatabase;
const clients = new Map<ServiceName, pg.Client>();

beforeAll(async () => {
  db = await createTestDatabase();
  for (const service of SERVICE_NAMES) {
    const client = new pg.Client({ connectionString: db.urlFor(service) });
    await client.connect();
    clients.set(service, client);
  }
});

afterAll(async () => {
  await Promise.all([...clients.values()].map((c) => c.end()));
  await db?.drop();
});

async function sqlError(client: pg.Client, sql: string): Promise<string | undefined> {
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('each service owns its own schema', () => {
  it.each(SERVICE_NAMES)('%s reads and writes its own tables and its outbox', async (service) => {
    const client = clients.get(service)!;
    await expect(client.query(`select count(*) from ${service}.${OWNED_TABLE[service]}`)).resolves.toMatchObject({ command: 'SELECT', rowCount: 1 });
    await expect(client.query(`select count(*) from outbox`)).resolves.toMatchObject({ command: 'SELECT', rowCount: 1 });
    await client.query('begin');
    await expect(client.query(`create table ${service}.scratch (id int)`)).resolves.toMatchObject({ command: 'CREATE' });
    await client.query('rollback');
  });

  const pairs = SERVICE_NAMES.flatMap((a) => SERVICE_NAMES.filter((b) => b !== a).map((b) => [a, b] as const));

  it.each(pairs)('%s cannot read, write or create in the %s schema', async (service, other) => {
    const client = clients.get(service)!;
    expect(await sqlError(client, `select * from ${other}.${OWNED_TABLE[other]}`)).toBe('42501');
    expect(await sqlError(client, `select * from ${other}.outbox`)).toBe('42501');
    expect(await sqlError(client, `delete from ${other}.inbox`)).toBe('42501');
    expect(await sqlError(client, `create table ${other}.intruder (id int)`)).toBe('42501');
  });

  it.each(SERVICE_NAMES)('%s cannot create tables in the public schema or new schemas', async (service) => {
    const client = clients.get(service)!;
    expect(await sqlError(client, `create table public.shared_state (id int)`)).toBe('42501');
    expect(await sqlError(client, `create schema ${service}_extra`)).toBe('42501');
  });

  it('no service role is a superuser or can create roles or databases', async () => {
    const { rows } = await clients.get('catalog')!.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean }>(
      `select rolname, rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname like '%\\_svc' order by rolname`,
    );
    expect(rows.map((r) => r.rolname)).toEqual(['availability_svc', 'booking_svc', 'catalog_svc', 'instructor_svc', 'partners_svc', 'reviews_svc']);
    expect(rows.every((r) => !r.rolsuper && !r.rolcreaterole && !r.rolcreatedb)).toBe(true);
  });
});
