import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  adminUrlFromEnv,
  bootstrapDatabase,
  Database,
  SERVICE_NAMES,
  serviceDatabaseRole,
  withPostgresClient,
  type MigrationClass,
  type ServiceName,
} from '@instainstru/platform';

const TEST_DATABASE_PREFIX = 'instainstru_t_';
const TEMPLATE_PREFIX = 'instainstru_tpl_';
/** Databases left behind by runs that started longer ago than this are dropped. */
const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

/**
 * Each test run has its own id (set by the global setup and inherited by the workers), so runs
 * that overlap on one server never touch each other's databases.
 */
function runId(): string {
  const id = process.env.INSTAINSTRU_TEST_RUN;
  if (!id) throw new Error('INSTAINSTRU_TEST_RUN is not set: run the tests through Jest (its global setup sets it)');
  return id;
}

export function startTestRun(): string {
  const id = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  process.env.INSTAINSTRU_TEST_RUN = id;
  return id;
}

const templateName = () => `${TEMPLATE_PREFIX}${runId()}`;

/** The run id's timestamp, from a database name made by this harness. */
function startedAt(database: string): number {
  const id = database.startsWith(TEMPLATE_PREFIX) ? database.slice(TEMPLATE_PREFIX.length) : database.slice(TEST_DATABASE_PREFIX.length);
  return parseInt(id.split('_')[0] ?? '', 36);
}

function databaseUrl(database: string, user: string, password: string): string {
  return `postgres://${user}:${encodeURIComponent(password)}@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? '5432'}/${database}`;
}

function asAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  return withPostgresClient(adminUrlFromEnv(process.env, 'postgres'), work);
}

/**
 * Once per test run: drops what runs older than a few hours left behind, then builds a template database bootstrapped like production (one schema and role per
 * service) with every migration applied. Test files clone it, which takes a fraction of a second.
 */
export async function prepareTemplateDatabase(migrations: Record<ServiceName, MigrationClass[]>): Promise<void> {
  await asAdmin(async (client) => {
    const ours = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname like $2`, [
      `${TEST_DATABASE_PREFIX}%`,
      `${TEMPLATE_PREFIX}%`,
    ]);
    const stale = ours.rows.map((r) => r.datname).filter((name) => !(Date.now() - startedAt(name) < STALE_AFTER_MS));
    for (const name of stale) await client.query(`drop database if exists "${name}" with (force)`);
  });
  const template = templateName();
  await bootstrapDatabase(adminUrlFromEnv(), template);
  for (const service of SERVICE_NAMES) {
    const { user, password } = serviceDatabaseRole(service);
    const db = await new Database({ url: databaseUrl(template, user, password), schema: service, migrations: migrations[service], poolMax: 1 }).connect();
    try {
      await db.migrate();
    } finally {
      await db.close();
    }
  }
}

/** Drops this run's template and whatever test databases of the run were left behind. */
export async function finishTestRun(): Promise<void> {
  await asAdmin(async (client) => {
    const left = await client.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [
      `${TEST_DATABASE_PREFIX}${runId()}%`,
      templateName(),
    ]);
    for (const { datname } of left.rows) await client.query(`drop database if exists "${datname}" with (force)`);
  });
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
  const name = `${TEST_DATABASE_PREFIX}${runId()}_${randomBytes(4).toString('hex')}`;
  await asAdmin((client) => client.query(`create database ${name} template ${templateName()}`));
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
