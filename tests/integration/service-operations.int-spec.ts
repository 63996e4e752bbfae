import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { callerKeyFor, closeServiceDeps, signCaller, DEV_SIGNING_SECRET } from '@instainstru/platform';
import { createTestDatabase, eventually, type ServiceProcess, startServiceProcess, type TestDatabase, testServiceDeps, uniqueTopicPrefix } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';

let db: TestDatabase;
let env: Record<string, string>;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  env = { DATABASE_URL: db.urlFor('catalog'), KAFKA_TOPIC_PREFIX: uniqueTopicPrefix('ops') };
  const catalog = await testServiceDeps(db, 'catalog', { topicPrefix: env.KAFKA_TOPIC_PREFIX });
  await createCatalogModule(catalog).seed();
  await closeServiceDeps(catalog);
});

afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGKILL');
});

afterAll(() => db?.drop());

async function start(extraEnv: Record<string, string> = {}, args: string[] = []) {
  const service = await startServiceProcess('catalog', { ...env, ...extraEnv }, args);
  running.push(service);
  await service.waitForLine(/"msg":"catalog started"/);
  return service;
}

function queryCategories(port: number) {
  const body = JSON.stringify({ query: '{ categories { slug } }' });
  const caller = signCaller({ userId: null, roles: [], requestId: randomUUID() }, callerKeyFor(DEV_SIGNING_SECRET, 'catalog'), { method: 'POST', path: '/graphql', body });
  return fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...caller }, body });
}

async function insertOutboxRow(): Promise<string> {
  const id = randomUUID();
  const client = new pg.Client({ connectionString: db.urlFor('catalog') });
  await client.connect();
  try {
    const envelope = { id, type: 'catalog.probe', version: 1, occurredAt: new Date().toISOString(), aggregateId: 'a1', payload: {} };
    await client.query(`insert into catalog.outbox (id, topic, aggregate_id, type, version, envelope) values ($1, $2, 'a1', 'catalog.probe', 1, $3)`, [
      id,
      `${env.KAFKA_TOPIC_PREFIX}catalog.events`,
      JSON.stringify(envelope),
    ]);
  } finally {
    await client.end();
  }
  return id;
}

async function publishedAt(id: string): Promise<Date | null> {
  const client = new pg.Client({ connectionString: db.urlFor('catalog') });
  await client.connect();
  try {
    const { rows } = await client.query<{ published_at: Date | null }>(`select published_at from catalog.outbox where id = $1`, [id]);
    return rows[0]!.published_at;
  } finally {
    await client.end();
  }
}

describe('health, readiness and metrics', () => {
  it('reports alive, ready with every dependency, and Prometheus metrics', async () => {
    const service = await start({ SERVICE_ROLE: 'api' });
    const base = `http://127.0.0.1:${service.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', draining: false, checks: { postgres: 'ok', kafka: 'ok', redis: 'ok' } });

    expect((await queryCategories(service.port)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/http_requests_total\{route="\/graphql",status="200",service="catalog"\} 1/);
    expect(metrics).toMatch(/graphql_resolver_duration_seconds_count\{service="catalog",parent="Query",field="categories"\} 1/);
    expect(metrics).toMatch(/# TYPE outbox_backlog gauge/);
    expect(metrics).toMatch(/# TYPE consumer_lag gauge/);
  });

  it('is alive but not ready when a dependency is unreachable', async () => {
    const service = await start({ SERVICE_ROLE: 'api', KAFKA_BROKERS: '127.0.0.1:9' });
    expect((await fetch(`http://127.0.0.1:${service.port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${service.port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', checks: { postgres: 'ok', kafka: 'unavailable' } });
  });
});

describe('graceful shutdown', () => {
  it('answers the request in flight, refuses new ones, then exits 0 on SIGTERM', async () => {
    const service = await start({ SERVICE_ROLE: 'all' });
    const blocker = new pg.Client({ connectionString: db.adminUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table catalog.category in access exclusive mode');
      const inFlight = queryCategories(service.port);
      await new Promise((r) => setTimeout(r, 300));
      service.kill('SIGTERM');
      await service.waitForLine(/draining before exit/);
      await expect(queryCategories(service.port).then((r) => r.status)).rejects.toThrow();
      await new Promise((r) => setTimeout(r, 300));
      await blocker.query('commit');
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { data: { categories: unknown[] } }).data.categories).toHaveLength(7);
    } finally {
      await blocker.end();
    }
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.lines.some((l) => l.includes('stopped cleanly'))).toBe(true);
  });
});

/** Runs one statement on the catalog database as the catalog service's role. */
async function catalogSql(text: string, params: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: db.urlFor('catalog') });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

describe('api and worker roles', () => {
  it('the worker role publishes the outbox, deletes events published past the retention, and serves no HTTP', async () => {
    // Everything in the outbox was published a month ago: past the default week, the worker's first sweep deletes it.
    const aged = await insertOutboxRow();
    await catalogSql(`update catalog.outbox set published_at = now() - interval '30 days'`);
    const service = await start({}, ['--role=worker']);
    expect(service.lines.find((l) => l.includes('catalog started'))).toMatch(/"role":"worker".*"workers":\["outbox-relay","outbox-retention","instructor-offerings","instructor-ratings"\]/);
    await expect(fetch(`http://127.0.0.1:${service.port}/healthz`)).rejects.toThrow();
    const id = await insertOutboxRow();
    await eventually(async () => (await publishedAt(id)) !== null, 15_000, 'the worker to publish the outbox row');
    await eventually(async () => (await catalogSql(`select 1 from catalog.outbox where id = $1`, [aged])).length === 0, 15_000, 'the worker to delete the old event');
    // The event it just published is within the retention: it stays.
    expect(await publishedAt(id)).not.toBeNull();
  });

  it('the api role serves HTTP and leaves the outbox to workers', async () => {
    const service = await start({ SERVICE_ROLE: 'api' });
    expect(service.lines.find((l) => l.includes('catalog started'))).toMatch(/"role":"api".*"workers":\[\]/);
    const id = await insertOutboxRow();
    expect((await queryCategories(service.port)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await publishedAt(id)).toBeNull();
  });
});
