import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  adminUrlFromEnv,
  bootstrapDatabase,
  Database,
  SERVICE_NAMES,
  serviceDatabaseRole,
  type MigrationClass,
  type ServiceName,
} from '@instainstru/platform';

export const TEMPLATE_DATABASE = 'instainstru_test_template';
const TEST_DATABASE_PREFIX = 'instainstru_t_';

function databaseUrl(database: string, user: string, password: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${database}`;
}

async function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrlFromEnv(process.env, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Once per test run: a template database bootstrapped like production (one schema and role per
 * service) with every migration applied. Test files clone it, which takes a fraction of a second.
 */
export async function prepareTemplateDatabase(migrations: Record<ServiceName, MigrationClass[]>): Promise<void> {
  await asAdmin(async (client) => {
    const stale = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [
      `${TEST_DATABASE_PREFIX}%`,
      TEMPLATE_DATABASE,
    ]);
    for (const { datname } of stale.rows) await client.query(`drop database if exists "${datname}" with (force)`);
  });
  await bootstrapDatabase(adminUrlFromEnv(), TEMPLATE_DATABASE);
  for (const service of SERVICE_NAMES) {
    const { user, password } = serviceDatabaseRole(service);
    const db = await new Database({ url: databaseUrl(TEMPLATE_DATABASE, user, password), schema: service, migrations: migrations[service], poolMax: 1 }).connect();
    try {
      await db.migrate();
    } finally {
      await db.close();
    }
  }
}

export interface TestDatabase {
  name: string;
  /** Connection URL as the service's own role. */
  urlFor(service: ServiceName): string;
  /** Connection URL as the superuser (for assertions that look across schemas). */
  adminUrl: string;
  drop(): Promise<void>;
}

/** A private copy of the migrated template for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  await asAdmin((client) => client.query(`create database ${name} template ${TEMPLATE_DATABASE}`));
  // A clone does not carry the database's grants or its per-role settings (search_path): apply them.
  await bootstrapDatabase(adminUrlFromEnv(), name);
  return {
    name,
    urlFor(service) {
      const { user, password } = serviceDatabaseRole(service);
      return databaseUrl(name, user, password);
    },
    adminUrl: adminUrlFromEnv(process.env, name),
    drop: () => asAdmin(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}
