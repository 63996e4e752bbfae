import pg from 'pg';
import { serviceDatabaseRole } from '../runtime/config';
import { SERVICE_NAMES, type ServiceName } from '../runtime/service-names';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`Unsafe SQL identifier: ${name}`);
  return name;
}

async function ignoreDuplicate(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    // 42710 duplicate_object / 42P04 duplicate_database / 23505 unique_violation (concurrent create)
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '42P04' && code !== '23505') throw error;
  }
}

/** Runs `work` on one connection to `url` (optionally another database of the same server), then closes it. */
export async function withPostgresClient<T>(url: string, work: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const client = new pg.Client({ connectionString: database ? withDatabase(url, database) : url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function adminUrlFromEnv(env: NodeJS.ProcessEnv = process.env, database = env.PGDATABASE ?? 'instainstru'): string {
  if (env.PG_ADMIN_URL) return env.PG_ADMIN_URL;
  const password = encodeURIComponent(env.PG_SUPERUSER_PASSWORD ?? 'postgres');
  return `postgres://postgres:${password}@${env.PGHOST ?? '127.0.0.1'}:${env.PGPORT ?? '5432'}/${database}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The cluster-wide login roles, one per service (development passwords by convention). */
export async function ensureServiceRoles(adminUrl: string, services: readonly ServiceName[] = SERVICE_NAMES): Promise<void> {
  await withPostgresClient(adminUrl, async (client) => {
    for (const service of services) {
      const { user, password } = serviceDatabaseRole(service);
      await ignoreDuplicate(client.query(`create role ${ident(user)} login password '${password.replace(/'/g, "''")}'`));
    }
  });
}

/**
 * Makes `database` ready for the services: shared extensions in their own `extensions` schema,
 * then for each service a schema owned by its own role, which can touch nothing else (no rights
 * on `public`, no rights on the other services' schemas). Idempotent.
 */
export async function bootstrapDatabase(adminUrl: string, database: string, services: readonly ServiceName[] = SERVICE_NAMES): Promise<void> {
  await withPostgresClient(
    adminUrl,
    async (server) => {
      const { rowCount } = await server.query('select 1 from pg_database where datname = $1', [database]);
      if (!rowCount) await ignoreDuplicate(server.query(`create database ${ident(database)}`));
    },
    'postgres',
  );
  await ensureServiceRoles(adminUrl, services);

  await withPostgresClient(adminUrl, async (client) => {
    await client.query(`select pg_advisory_lock(hashtext('instainstru-bootstrap'))`);
    await client.query(`create schema if not exists extensions`);
    for (const ext of ['postgis', 'btree_gist', 'pg_trgm', 'unaccent']) {
      await client.query(`create extension if not exists ${ext} with schema extensions`);
    }
    await client.query(`revoke all on schema public from public`);
    await client.query(`revoke all on database ${ident(database)} from public`);
    for (const service of services) {
      const { user } = serviceDatabaseRole(service);
      await client.query(`grant connect, temporary on database ${ident(database)} to ${ident(user)}`);
      await client.query(`create schema if not exists ${ident(service)} authorization ${ident(user)}`);
      await client.query(`revoke all on schema ${ident(service)} from public`);
      await client.query(`grant usage on schema extensions to ${ident(user)}`);
      await client.query(`alter role ${ident(user)} in database ${ident(database)} set search_path = ${ident(service)}, extensions`);
    }
  }, database);
}
