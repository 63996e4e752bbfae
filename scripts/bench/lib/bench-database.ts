import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminUrlFromEnv, bootstrapDatabase, Database, serviceDatabaseRole, withPostgresClient, type MigrationClass, type ServiceName } from '@instainstru/platform';
import { onCleanup } from './cleanup';

/** Throwaway bench databases are named `instainstru_bench_<unix seconds>_<hex>`. */
const PREFIX = 'instainstru_bench_';
/** Bench databases older than this are leftovers of a crashed run and are dropped. */
const STALE_AFTER_SECONDS = 3600;

function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPostgresClient(adminUrlFromEnv(process.env, 'postgres'), work);
}

export interface BenchDatabase {
  name: string;
  /** Connection URL as the service's own role. */
  url: string;
  drop(): Promise<void>;
}

/**
 * A private database bootstrapped like production for one service (its schema and role) with the
 * service's migrations applied, dropped on cleanup. Isolates a benchmark from whatever else runs
 * against the shared database (a running worker's outbox relay, tests). Needs the superuser
 * (PG_ADMIN_URL or postgres/PG_SUPERUSER_PASSWORD, as scripts/db-bootstrap.ts).
 */
export async function createBenchDatabase(service: ServiceName, migrations: MigrationClass[]): Promise<BenchDatabase> {
  const now = Math.floor(Date.now() / 1000);
  const name = `${PREFIX}${now}_${randomBytes(4).toString('hex')}`;
  const drop = () => asAdmin(async (client) => void (await client.query(`drop database if exists ${name} with (force)`)));
  await asAdmin(async (client) => {
    const existing = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`${PREFIX}%`]);
    for (const { datname } of existing.rows) {
      const created = Number(/^instainstru_bench_(\d+)_[0-9a-f]+$/.exec(datname)?.[1]);
      if (created && now - created > STALE_AFTER_SECONDS) await client.query(`drop database if exists ${datname} with (force)`);
    }
    await client.query(`create database ${name}`);
  });
  onCleanup(`drop database ${name}`, drop);
  await bootstrapDatabase(adminUrlFromEnv(), name, [service]);
  const { user, password } = serviceDatabaseRole(service);
  const url = `postgres://${user}:${encodeURIComponent(password)}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${name}`;
  const db = await new Database({ url, schema: service, migrations, poolMax: 1 }).connect();
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
  return { name, url, drop };
}

/** Application names of the sessions on the connected database that look like `<schema>` outbox relays. */
export async function runningRelays(db: Database, schema: string): Promise<string[]> {
  const rows = await db.query<{ application_name: string }>(
    `select application_name from pg_stat_activity where datname = current_database() and application_name = $1 and pid <> pg_backend_pid()`,
    [`${schema}-outbox-relay`],
  );
  return rows.map((r) => r.application_name);
}
