/**
 * Discovery: kids-available services cached vs uncached vs a static baseline, search throughput,
 * and the latency from an instructor's change to the changed answer — as ratios and percentiles
 * measured in the same run (the machine is noisy; absolute numbers mean little).
 *
 *   npm run bench:discovery          (npx tsx scripts/bench/discovery.ts)
 *
 * Needs the infrastructure and a migrated, seeded database (`npm start` once, or
 * `npm run infra:up && npm run db:bootstrap && npm run migrate && npm run seed`). It starts its own
 * catalog and instructor services (api + workers) and a gateway as child processes on free ports,
 * so it runs next to `npm start` too (then both sets of workers share the event load).
 *
 * Part 1 — kidsAvailableServices:
 *   a) the data path in this process: the Redis cache hit the catalog serves vs the SQL it caches;
 *   b) over HTTP: through the gateway and straight to the catalog subgraph (cached) vs a static
 *      server answering the same bytes.
 * Part 2 — searchInstructors through the gateway for a few typical queries vs the static server.
 * Part 3 — invalidation latency: a seeded instructor who is the only live kids-capable one for a
 *   service goes offline and live again through the instructor subgraph; after each change's
 *   response, the gateway's kidsAvailableServices is polled until the service left / came back.
 *   The instructor is left live, as found.
 *
 * Knobs: BENCH_PARTS=kids,search,invalidation  BENCH_ROUNDS=5  BENCH_ROUND_SECONDS=3
 *        BENCH_WARMUP_SECONDS=2  BENCH_CONNECTIONS=16  BENCH_INVALIDATIONS=40  BENCH_POLL_MS=5
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callerKeyFor, closeServiceDeps, createServiceDeps, Database, DEV_SIGNING_SECRET, loadServiceConfig, signCaller, type ServiceName } from '@instainstru/platform';
import { createCatalogModule } from '../../services/catalog/src/module';
import { startChild, waitForHttp, type ChildHandle } from './lib/children';
import { onCleanup, runBench } from './lib/cleanup';
import { runClosedLoop } from './lib/closed-loop';
import { captureResponse, loadFailures, runHttpLoad, type HttpLoadResult } from './lib/http-load';
import { benchParts, envInt } from './lib/env';
import { freePorts } from './lib/ports';
import { fmt, fmtInt, median, percentileSorted, table } from './lib/stats';

const PARTS = benchParts(['kids', 'search', 'invalidation']);
const SETTINGS = {
  rounds: envInt('BENCH_ROUNDS', 5),
  roundSeconds: envInt('BENCH_ROUND_SECONDS', 3),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2),
  connections: envInt('BENCH_CONNECTIONS', 16),
  invalidations: envInt('BENCH_INVALIDATIONS', 40),
  pollMs: envInt('BENCH_POLL_MS', 5),
};
const SIGNING_SECRET = process.env.SUBGRAPH_SIGNING_SECRET ?? DEV_SIGNING_SECRET;
const KIDS_QUERY = JSON.stringify({ query: 'query Kids { kidsAvailableServices { id slug name } }', operationName: 'Kids' });
const JSON_HEADERS = { 'content-type': 'application/json' };
const log = (line = '') => console.log(line);

/** Headers for a direct call to `service`'s /graphql with `body`, signed as the gateway would (good for 30 s). */
const signed = (
  service: ServiceName,
  body: string,
  caller: { userId: string | null; roles: ('student' | 'instructor' | 'admin')[] } = { userId: null, roles: [] },
) => ({
  ...JSON_HEADERS,
  ...signCaller({ ...caller, requestId: 'bench-discovery' }, callerKeyFor(SIGNING_SECRET, service), { method: 'POST', path: '/graphql', body }),
});

interface Stack {
  gatewayUrl: string;
  catalogUrl: string;
  instructorUrl: string;
  staticFor(body: string): Promise<string>;
}

async function startStack(): Promise<Stack> {
  const [catalogPort, instructorPort, gatewayPort] = (await freePorts(3)) as [number, number, number];
  const child = (name: string, entry: string, env: Record<string, string>): ChildHandle => {
    const handle = startChild({ name, entry, env: { LOG_LEVEL: 'warn', ...env } });
    onCleanup(`stop ${name}`, () => handle.stop());
    return handle;
  };
  const catalogUrl = `http://127.0.0.1:${catalogPort}/graphql`;
  const instructorUrl = `http://127.0.0.1:${instructorPort}/graphql`;
  const started = Date.now();
  const catalog = child('catalog', 'services/catalog/src/index.ts', { SERVICE_ROLE: 'all', PORT: String(catalogPort) });
  const instructor = child('instructor', 'services/instructor/src/index.ts', { SERVICE_ROLE: 'all', PORT: String(instructorPort) });
  // The subgraph path is what is measured: no public cache of whole answers, no shared calls, no
  // buckets (whose state would make every answer differ); bench:gateway measures those features.
  const gateway = child('gateway', 'gateway/src/index.ts', {
    PORT: String(gatewayPort),
    CATALOG_URL: catalogUrl,
    INSTRUCTOR_URL: instructorUrl,
    PUBLIC_CACHE_ENTRIES: '0',
    SUBGRAPH_REQUEST_SHARING: 'off',
    RATE_LIMITS: 'off',
  });
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${catalogPort}/readyz`, catalog),
    waitForHttp(`http://127.0.0.1:${instructorPort}/readyz`, instructor),
    waitForHttp(`http://127.0.0.1:${gatewayPort}/healthz`, gateway),
  ]);
  log(`  catalog, instructor (api + workers) and gateway ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-discovery-'));
  onCleanup('remove static bodies', () => rmSync(dir, { recursive: true, force: true }));
  let statics = 0;
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}/graphql`,
    catalogUrl,
    instructorUrl,
    async staticFor(body) {
      const [port] = (await freePorts(1)) as [number];
      const file = join(dir, `body-${(statics += 1)}.json`);
      writeFileSync(file, body);
      const server = child(`static-${statics}`, 'scripts/bench/lib/static-server.ts', { PORT: String(port), STATIC_BODY_FILE: file, STATIC_CONTENT_TYPE: 'application/json' });
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, server);
      return `http://127.0.0.1:${port}/graphql`;
    },
  };
}

function dataOf<T>(body: string, what: string): T {
  const parsed = JSON.parse(body) as { data?: T; errors?: unknown[] };
  if (parsed.errors?.length || !parsed.data) throw new Error(`${what} answered with errors: ${body.slice(0, 500)}`);
  return parsed.data;
}

interface HttpTarget {
  name: string;
  url: string;
  headers(): Record<string, string>;
  body: string;
  expectBody: string;
}

/** Interleaved rounds over the targets (order rotated per round); every response must be exact. */
async function compareHttp(targets: HttpTarget[]): Promise<Record<string, HttpLoadResult[]>> {
  const once = async (target: HttpTarget, seconds: number) => {
    const result = await runHttpLoad({ url: target.url, headers: target.headers(), body: target.body, connections: SETTINGS.connections, durationSeconds: seconds, expectBody: target.expectBody });
    const failure = loadFailures(result);
    if (failure) throw new Error(`${target.name}: ${failure} — the measurement is invalid`);
    return result;
  };
  for (const target of targets) await once(target, SETTINGS.warmupSeconds);
  const runs: Record<string, HttpLoadResult[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    for (let i = 0; i < targets.length; i += 1) {
      const target = targets[(i + round) % targets.length]!;
      runs[target.name]!.push(await once(target, SETTINGS.roundSeconds));
    }
  }
  log(
    table(
      ['target', 'req/s (median)', 'p50 ms', 'p99 ms'],
      targets.map((t) => [t.name, fmtInt(median(runs[t.name]!.map((r) => r.rps))), fmt(median(runs[t.name]!.map((r) => r.p50))), fmt(median(runs[t.name]!.map((r) => r.p99)))]),
    ),
  );
  return runs;
}

function ratio(a: HttpLoadResult[] | number[], b: HttpLoadResult[] | number[]): string {
  const value = (x: HttpLoadResult | number) => (typeof x === 'number' ? x : x.rps);
  const values = a.map((x, i) => value(x) / value(b[i]!));
  return `${fmt(median(values), 3)}   (rounds: ${values.map((v) => fmt(v, 3)).join(', ')})`;
}

async function kidsAvailable(stack: Stack): Promise<void> {
  log();
  log('Part 1a — kidsAvailableServices data path, in this process (Redis cache hit vs the SQL it caches)');
  // The catalog's module in this process (its database pool and Redis client, closed with its deps); the cache under a namespace of its own.
  const deps = await createServiceDeps(loadServiceConfig('catalog', { ...process.env, LOG_LEVEL: 'warn', DB_POOL_MAX: String(SETTINGS.connections) }), []);
  onCleanup('close the catalog database and redis', () => closeServiceDeps(deps));
  const catalog = createCatalogModule(deps);
  const namespace = `bench-${Date.now()}.`;
  onCleanup('delete bench cache keys', async () => {
    const keys = await catalog.redis.keys(`${namespace}catalog:*`);
    if (keys.length) await catalog.redis.del(...keys);
  });
  const cache = catalog.kidsServicesCache(namespace);
  const sql = () => catalog.kidsAvailableServicesUncached();
  const answer = await sql();
  if (answer.length === 0) throw new Error('no kids-capable live instructors in the catalog read model (npm run seed, then let the workers catch up)');
  const cachedAnswer = await cache.get(sql);
  if (JSON.stringify(cachedAnswer) !== JSON.stringify(answer)) throw new Error('cache and SQL disagree');
  log(`  ${answer.length} services; ${SETTINGS.connections} concurrent callers, ${SETTINGS.rounds} rounds × ${SETTINGS.roundSeconds} s each, alternating`);
  const loops = { cached: [] as number[], uncached: [] as number[] };
  const p50 = { cached: [] as number[], uncached: [] as number[] };
  await runClosedLoop(() => cache.get(sql), SETTINGS.connections, SETTINGS.warmupSeconds);
  await runClosedLoop(sql, SETTINGS.connections, SETTINGS.warmupSeconds);
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const order: ('cached' | 'uncached')[] = round % 2 === 0 ? ['cached', 'uncached'] : ['uncached', 'cached'];
    for (const name of order) {
      const result = await runClosedLoop(name === 'cached' ? () => cache.get(sql) : sql, SETTINGS.connections, SETTINGS.roundSeconds);
      loops[name].push(result.ops);
      p50[name].push(result.p50);
    }
  }
  log(
    table(
      ['path', 'ops/s (median)', 'p50 ms'],
      (['cached', 'uncached'] as const).map((name) => [name === 'cached' ? 'cache hit (2 Redis GETs + JSON.parse)' : 'uncached (SQL over the read model)', fmtInt(median(loops[name])), fmt(median(p50[name]), 3)]),
    ),
  );
  log(`  cached/uncached throughput  ${ratio(loops.cached, loops.uncached)}`);

  log();
  log('Part 1b — kidsAvailableServices over HTTP (catalog serves from its cache) vs a static server with the same bytes');
  const direct = await captureResponse(stack.catalogUrl, { headers: signed('catalog', KIDS_QUERY), body: KIDS_QUERY });
  const viaGateway = await captureResponse(stack.gatewayUrl, { headers: JSON_HEADERS, body: KIDS_QUERY });
  const services = dataOf<{ kidsAvailableServices: unknown[] }>(direct.body, 'catalog').kidsAvailableServices;
  if (JSON.stringify(dataOf(viaGateway.body, 'gateway')) !== JSON.stringify({ kidsAvailableServices: services })) throw new Error('gateway and catalog disagree');
  const staticUrl = await stack.staticFor(direct.body);
  const runs = await compareHttp([
    { name: 'gateway', url: stack.gatewayUrl, headers: () => JSON_HEADERS, body: KIDS_QUERY, expectBody: viaGateway.body },
    { name: 'catalog direct', url: stack.catalogUrl, headers: () => signed('catalog', KIDS_QUERY), body: KIDS_QUERY, expectBody: direct.body },
    { name: 'static', url: staticUrl, headers: () => JSON_HEADERS, body: KIDS_QUERY, expectBody: direct.body },
  ]);
  log(`  catalog direct/static       ${ratio(runs['catalog direct']!, runs.static!)}`);
  log(`  gateway/static              ${ratio(runs.gateway!, runs.static!)}`);
}

/** Typical discovery searches: free text with a typo, a ZIP radius, the natural-language sentence, a filtered kids search. */
const SEARCHES: { name: string; variables: Record<string, unknown> }[] = [
  { name: 'typo text "pinao"', variables: { text: 'pinao' } },
  { name: 'near ZIP 11201, 5 mi', variables: { filters: { postalCode: '11201', withinMiles: 5 } } },
  { name: 'natural language', variables: { text: 'guitar lessons for my 8 year old near 11201 under $50 on saturday mornings' } },
  { name: 'kids, music, ≤ $80/h', variables: { filters: { categorySlug: 'music', ageGroup: 'KIDS', priceMaxMinor: 8000 } } },
];
const SEARCH_QUERY =
  'query Search($text: String, $filters: InstructorSearchFilters) { searchInstructors(text: $text, filters: $filters, first: 20) { edges { cursor distanceMiles node { id } } pageInfo { hasNextPage endCursor } } }';

async function search(stack: Stack): Promise<void> {
  log();
  log('Part 2 — searchInstructors through the gateway (first 20, instructor ids) vs a static server with the same bytes and vs a cached read through the gateway');
  const targets: HttpTarget[] = [];
  const rows: string[][] = [];
  for (const { name, variables } of SEARCHES) {
    const body = JSON.stringify({ query: SEARCH_QUERY, variables, operationName: 'Search' });
    const answer = await captureResponse(stack.gatewayUrl, { headers: JSON_HEADERS, body });
    const edges = dataOf<{ searchInstructors: { edges: unknown[] } }>(answer.body, `search ${name}`).searchInstructors.edges;
    rows.push([name, String(edges.length)]);
    targets.push({ name, url: stack.gatewayUrl, headers: () => JSON_HEADERS, body, expectBody: answer.body });
    if (targets.length === 1) targets.push({ name: 'static', url: await stack.staticFor(answer.body), headers: () => JSON_HEADERS, body, expectBody: answer.body });
  }
  log(table(['search', 'results on page 1'], rows));
  // A cached read through the same gateway: what a search costs beyond the HTTP and gateway path.
  const kids = await captureResponse(stack.gatewayUrl, { headers: JSON_HEADERS, body: KIDS_QUERY });
  targets.push({ name: 'kidsAvailableServices (cached)', url: stack.gatewayUrl, headers: () => JSON_HEADERS, body: KIDS_QUERY, expectBody: kids.body });
  const runs = await compareHttp(targets);
  for (const { name } of SEARCHES) {
    log(`  ${`${name}/static`.padEnd(34)} ${ratio(runs[name]!, runs.static!)}`);
    log(`  ${`${name}/cached read`.padEnd(34)} ${ratio(runs[name]!, runs['kidsAvailableServices (cached)']!)}`);
  }
}

async function invalidationLatency(stack: Stack): Promise<void> {
  log();
  log('Part 3 — invalidation latency: instructor goes offline / live → kidsAvailableServices through the gateway changes');
  const catalog = await new Database({ url: loadServiceConfig('catalog').database.url, schema: 'catalog', poolMax: 1, applicationName: 'bench-discovery' }).connect();
  const instructorDb = await new Database({ url: loadServiceConfig('instructor').database.url, schema: 'instructor', poolMax: 1, applicationName: 'bench-discovery' }).connect();
  onCleanup('close databases', async () => {
    await catalog.close();
    await instructorDb.close();
  });
  // A service whose only live kids-capable instructor this is: it leaves Kids when they go offline.
  const [pick] = await catalog.query<{ service_id: string; instructor_id: string; name: string }>(
    `select o.service_id, min(o.instructor_id::text) as instructor_id, s.name
       from offered_service o join instructor_listing l using (instructor_id) join service s on s.id = o.service_id
      where l.is_live and o.age_groups @> array['kids']::text[]
      group by o.service_id, s.name
     having count(*) = 1
      order by s.name limit 1`,
  );
  if (!pick) throw new Error('no service with exactly one live kids-capable instructor; seed more data (SEED_INSTRUCTORS)');
  const [owner] = await instructorDb.query<{ user_id: string; display_name: string }>(`select user_id, display_name from instructor_profile where id = $1`, [pick.instructor_id]);
  if (!owner) throw new Error(`instructor ${pick.instructor_id} is in the catalog read model but not in the instructor service`);
  log(`  ${owner.display_name} is the only live kids-capable instructor of ${pick.name}; ${SETTINGS.invalidations} changes, polling every ${SETTINGS.pollMs} ms`);

  const change = async (live: boolean) => {
    const mutation = live ? 'goLive' : 'goOffline';
    const body = JSON.stringify({ query: `mutation($id: ID!) { ${mutation}(instructorId: $id) { id } }`, variables: { id: pick.instructor_id } });
    const res = await captureResponse(stack.instructorUrl, { headers: signed('instructor', body, { userId: owner.user_id, roles: ['instructor'] }), body });
    dataOf(res.body, mutation);
  };
  let offline = false;
  onCleanup('leave the instructor live', async () => {
    if (offline) await change(true);
  });
  const kidsServiceIds = async () => {
    const res = await captureResponse(stack.gatewayUrl, { headers: JSON_HEADERS, body: KIDS_QUERY });
    return new Set(dataOf<{ kidsAvailableServices: { id: string }[] }>(res.body, 'kidsAvailableServices').kidsAvailableServices.map((s) => s.id));
  };
  if (!(await kidsServiceIds()).has(pick.service_id)) throw new Error(`${pick.name} is not in kidsAvailableServices before the run`);

  const latencies: number[] = [];
  for (let i = 0; i < SETTINGS.invalidations; i += 1) {
    const goingLive: boolean = offline;
    await change(goingLive);
    offline = !goingLive;
    const changedAt = performance.now();
    const deadline = changedAt + 10_000;
    for (;;) {
      if ((await kidsServiceIds()).has(pick.service_id) === goingLive) break;
      if (performance.now() > deadline) throw new Error(`${pick.name} did not ${goingLive ? 'return to' : 'leave'} kidsAvailableServices within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, SETTINGS.pollMs));
    }
    latencies.push(performance.now() - changedAt);
  }
  if (offline) {
    await change(true);
    offline = false;
  }
  const sorted = Float64Array.from(latencies).sort();
  log(
    table(
      ['changes', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      [[String(sorted.length), fmt(percentileSorted(sorted, 50), 0), fmt(percentileSorted(sorted, 90), 0), fmt(percentileSorted(sorted, 99), 0), fmt(sorted[sorted.length - 1]!, 0)]],
    ),
  );
  log('  (from the mutation response — the change committed — to the first poll showing it: outbox relay → Kafka → catalog consumer → cache generation bump)');
}

runBench(`bench: discovery (${[...PARTS].join(', ')})`, async () => {
  const stack = await startStack();
  if (PARTS.has('kids')) await kidsAvailable(stack);
  if (PARTS.has('search')) await search(stack);
  if (PARTS.has('invalidation')) await invalidationLatency(stack);
});
