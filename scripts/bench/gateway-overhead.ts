/**
 * Gateway overhead and outbox relay throughput, as ratios against baselines measured in the same
 * run (the machine is noisy; absolute numbers mean little).
 *
 *   npm run bench:gateway            (npx tsx scripts/bench/gateway-overhead.ts)
 *
 * Part 1 runs the catalog and instructor subgraphs, three gateways and a static server returning the
 * subgraph's exact response bytes as child processes, and loads them in interleaved rounds from this
 * process: the trusted operation Categories through a gateway with the edge on (operation cost
 * analysis, a partner API key checked in Redis, the cost charged to its Redis bucket; sent by id)
 * and through the same gateway with the edge off (no pricing, no buckets; sent as text), against
 * the catalog called directly (signed header) and the static server. Part 1b sends the same
 * anonymous search page from 16 clients to a gateway as deployed (public cache and shared in-flight
 * calls) and to one with neither.
 * Part 2 times OutboxRelay.publishBatch() over a backlog of synthetic catalog outbox rows against
 * a bare producer sending the same messages (KafkajsEventBus.publish and raw kafkajs sendBatch).
 *
 * Needs Postgres (migrated and seeded: npm start does it), Redis and, for part 2, Kafka. Knobs (environment):
 *   BENCH_PARTS=gateway,outbox   BENCH_ROUNDS=5   BENCH_ROUND_SECONDS=4   BENCH_WARMUP_SECONDS=3
 *   BENCH_CONNECTIONS=16   BENCH_OUTBOX_EVENTS=20000   BENCH_OUTBOX_BATCH=500   BENCH_OUTBOX_ROUNDS=5
 *   BENCH_OUTBOX_DB=auto|shared|isolated   where part 2's outbox lives (see outboxDatabaseUrl)
 *   BENCH_CPU_PROF_DIR=<dir>     write V8 CPU profiles of each child into <dir>/<child name>/
 *
 * Fails (exit 1) on any non-2xx, connection error, timeout or unexpected response body, and cleans
 * up (child processes, bench outbox rows, bench topic, throwaway database) however it ends.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  callerKeyFor,
  createLogger,
  Database,
  DEV_SIGNING_SECRET,
  KafkajsEventBus,
  loadServiceConfig,
  OutboxRelay,
  partnerKeyHash,
  partnerKeyProjectionKey,
  signCaller,
  type OutgoingMessage,
} from '@instainstru/platform';
import { serviceMigrations } from '../services';
import { withTimeout } from './lib/async';
import { createBenchDatabase, runningRelays } from './lib/bench-database';
import { Redis } from 'ioredis';
import { REPO_ROOT, startChild, waitForHttp, type ChildHandle } from './lib/children';
import { onCleanup, runBench } from './lib/cleanup';
import { captureResponse, loadFailures, runHttpLoad, type HttpLoadResult } from './lib/http-load';
import { RawKafka, toKafkaMessages } from './lib/kafka';
import { countUnpublished, deleteBenchRows, insertBenchRows, messagesFor } from './lib/outbox-rows';
import { benchParts, envInt } from './lib/env';
import { freePorts } from './lib/ports';
import { measureCpu } from './lib/proc-cpu';
import { fmt, fmtInt, median, minMax, table } from './lib/stats';

const PARTS = benchParts(['gateway', 'outbox']);
const SETTINGS = {
  rounds: envInt('BENCH_ROUNDS', 5),
  roundSeconds: envInt('BENCH_ROUND_SECONDS', 4),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 3),
  connections: envInt('BENCH_CONNECTIONS', 16),
  outboxEvents: envInt('BENCH_OUTBOX_EVENTS', 20_000),
  outboxBatch: envInt('BENCH_OUTBOX_BATCH', 500),
  outboxRounds: envInt('BENCH_OUTBOX_ROUNDS', 5),
};
const SIGNING_SECRET = process.env.SUBGRAPH_SIGNING_SECRET ?? DEV_SIGNING_SECRET;

const log = (line = '') => console.log(line);

function cpuProfArgs(name: string): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  // One directory per child: tsx's loader runs in a worker thread, which writes its own profile.
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];
}

function startService(name: string, entry: string, env: Record<string, string>): ChildHandle {
  return startChild({ name, entry, env: { LOG_LEVEL: 'warn', ...env }, nodeArgs: cpuProfArgs(name) });
}

// ───────────────────────────── Part 1: gateway overhead ─────────────────────────────

interface Target {
  name: string;
  url: string;
  headers(): Record<string, string>;
  body: string;
  /** The exact answer, or a check for answers that differ per response (a bucket's state). */
  expect: { body: string } | { verify: (body: string) => boolean };
}

interface PersistedOperation {
  id: string;
  name: string;
  body: string;
}

const MANIFEST = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/operations/manifest.json'), 'utf8')) as { operations: PersistedOperation[] };
const operation = (name: string) => MANIFEST.operations.find((o) => o.name === name)!;
const CATEGORIES = operation('Categories');
const SEARCH = operation('SearchInstructors');
/** The same operation as text (first-party, plain gateway, the subgraph) and by id (a partner). */
const CATEGORIES_TEXT = JSON.stringify({ query: CATEGORIES.body, operationName: 'Categories' });
const CATEGORIES_BY_ID = JSON.stringify({ documentId: `sha256:${CATEGORIES.id}`, operationName: 'Categories' });
const SEARCH_PAGE = JSON.stringify({ query: SEARCH.body, operationName: 'SearchInstructors', variables: { text: 'piano', first: 20 } });
/** A partner key for the bench only, projected into Redis as the partners service would (removed at the end). */
const PARTNER_SECRET = `iik_${randomBytes(3).toString('hex')}_${randomBytes(32).toString('base64url')}`;

function signedHeaders(body: string): () => Record<string, string> {
  // Re-signed for every run: the signature is for catalog's /graphql with this body, good for 30 s.
  return () => ({ 'content-type': 'application/json', ...signCaller({ userId: null, roles: [], requestId: 'bench' }, callerKeyFor(SIGNING_SECRET, 'catalog'), { method: 'POST', path: '/graphql', body }) });
}

function dataOf(body: string, what: string): string {
  const parsed = JSON.parse(body) as { data?: Record<string, unknown[]>; errors?: unknown[] };
  if (parsed.errors?.length) throw new Error(`${what} answered with errors: ${body.slice(0, 500)}`);
  const lists = Object.values(parsed.data ?? {});
  if (lists.length === 0 || (Array.isArray(lists[0]) && lists[0].length === 0)) {
    throw new Error(`${what} returned nothing (is the database seeded? npm run seed): ${body.slice(0, 500)}`);
  }
  return JSON.stringify(parsed.data);
}

/** Answers whose data is exactly `data` (what follows, e.g. extensions.cost, may differ per response). */
const sameData = (data: string) => {
  const prefix = `{"data":${data}`;
  return (body: string) => body.startsWith(prefix);
};

interface Run {
  load: HttpLoadResult;
  /** CPU milliseconds per successful response, per process (undefined without /proc). */
  cpuMsPerRequest: Record<string, number | undefined>;
}

async function loadOnce(target: Target, seconds: number, pids: Record<string, number | 'self'> = {}): Promise<Run> {
  const { result, cpu } = await measureCpu(pids, () =>
    runHttpLoad({
      url: target.url,
      headers: target.headers(),
      body: target.body,
      connections: SETTINGS.connections,
      durationSeconds: seconds,
      ...('body' in target.expect ? { expectBody: target.expect.body } : { verifyBody: target.expect.verify }),
    }),
  );
  const failure = loadFailures(result);
  if (failure) throw new Error(`${target.name}: ${failure} — the measurement is invalid`);
  const cpuMsPerRequest = Object.fromEntries(
    Object.entries(cpu).map(([name, cpuSeconds]) => [name, cpuSeconds === undefined ? undefined : (cpuSeconds * 1000) / result.ok]),
  );
  return { load: result, cpuMsPerRequest };
}

/** Interleaved rounds over the targets (order rotated per round) after one warm-up each. */
async function measureRounds(targets: Target[], pids: Record<string, number | 'self'>, cpuColumns: string[]): Promise<Record<string, Run[]>> {
  for (const target of targets) await loadOnce(target, SETTINGS.warmupSeconds);
  const runs: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
  const rows: string[][] = [];
  const cpuCell = (value: number | undefined) => (value === undefined ? 'n/a' : fmt(value, 3));
  for (let round = 0; round < SETTINGS.rounds; round += 1) {
    const order = targets.map((_, i) => targets[(i + round) % targets.length]!);
    for (const target of order) {
      const run = await loadOnce(target, SETTINGS.roundSeconds, pids);
      runs[target.name]!.push(run);
      const { load, cpuMsPerRequest: perRequest } = run;
      rows.push([String(round + 1), target.name, fmtInt(load.rps), fmt(load.p50), fmt(load.p90), fmt(load.p99), fmtInt(load.ok), ...cpuColumns.map((c) => cpuCell(perRequest[c]))]);
    }
  }
  log();
  log('CPU columns: CPU milliseconds per response used by each process during the run (from /proc).');
  log(table(['round', 'target', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'responses', ...cpuColumns.map((c) => `cpu ${c}`)], rows));
  log();
  log('Per target, median over rounds:');
  const medianOf = (name: string, pick: (run: Run) => number | undefined) => {
    const values = runs[name]!.map(pick).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : Number.NaN;
  };
  log(
    table(
      ['target', 'req/s', 'req/s range', 'p50 ms', 'p99 ms', ...cpuColumns.map((c) => `cpu ${c}`)],
      targets.map(({ name }) => {
        const { min, max } = minMax(runs[name]!.map((r) => r.load.rps));
        return [name, fmtInt(medianOf(name, (r) => r.load.rps)), `${fmtInt(min)}–${fmtInt(max)}`, fmt(medianOf(name, (r) => r.load.p50)), fmt(medianOf(name, (r) => r.load.p99)), ...cpuColumns.map((c) => fmt(medianOf(name, (r) => r.cpuMsPerRequest[c]), 3))];
      }),
    ),
  );
  return runs;
}

/** A per-round ratio's median, with the rounds and their range. */
function spread(values: number[], digits: number): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return 'n/a';
  const { min, max } = minMax(finite);
  return `${fmt(median(finite), digits)}   (rounds: ${values.map((v) => fmt(v, digits)).join(', ')}; range ${fmt(min, digits)}–${fmt(max, digits)})`;
}

async function gatewayOverhead(): Promise<void> {
  const [catalogPort, instructorPort, edgePort, plainPort, cachedPort, staticPort] = (await freePorts(6)) as [number, number, number, number, number, number];
  const catalogUrl = `http://127.0.0.1:${catalogPort}/graphql`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const projection = partnerKeyProjectionKey(partnerKeyHash(PARTNER_SECRET));
  await redis.set(projection, JSON.stringify({ id: 'bench-partner', name: 'bench', scopes: ['catalog:read'], plan: { bucketSize: 1_000_000_000, restoreRatePerSecond: 1_000_000_000 } }));
  onCleanup('remove the bench partner key', async () => {
    await redis.del(projection);
    redis.disconnect();
  });

  log(`Part 1 — gateway overhead and the edge's share of it: the trusted operation Categories (${CATEGORIES.id.slice(0, 12)}…)`);
  log(
    `  ${SETTINGS.connections} keep-alive connections, ${SETTINGS.warmupSeconds} s warm-up per target, ` +
      `${SETTINGS.rounds} rounds × 4 targets × ${SETTINGS.roundSeconds} s, order rotated per round`,
  );
  const subgraphs = { CATALOG_URL: catalogUrl, INSTRUCTOR_URL: `http://127.0.0.1:${instructorPort}/graphql` };
  // Buckets no bench empties (the charge itself is what is measured), keyed apart from anything else.
  const buckets = { RATE_LIMIT_ANONYMOUS_BUCKET: '1000000000', RATE_LIMIT_ANONYMOUS_RESTORE_PER_SECOND: '1000000000', RATE_LIMIT_KEY_PREFIX: `bench:${process.pid}:` };
  const catalog = startService('catalog', 'services/catalog/src/index.ts', { SERVICE_ROLE: 'api', PORT: String(catalogPort) });
  const instructor = startService('instructor', 'services/instructor/src/index.ts', { SERVICE_ROLE: 'api', PORT: String(instructorPort) });
  // The edge on (cost analysis, partner key, rate limit) and off; neither caches nor shares calls.
  const edge = startService('gateway-edge', 'gateway/src/index.ts', { PORT: String(edgePort), ...subgraphs, ...buckets, PUBLIC_CACHE_ENTRIES: '0', SUBGRAPH_REQUEST_SHARING: 'off' });
  const plain = startService('gateway-plain', 'gateway/src/index.ts', {
    PORT: String(plainPort), ...subgraphs, PUBLIC_CACHE_ENTRIES: '0', SUBGRAPH_REQUEST_SHARING: 'off', QUERY_COST_ANALYSIS: 'off', RATE_LIMITS: 'off',
  });
  // As deployed: the public cache and shared in-flight calls on.
  const cached = startService('gateway-cached', 'gateway/src/index.ts', { PORT: String(cachedPort), ...subgraphs, ...buckets });
  const started = Date.now();
  await Promise.all([
    waitForHttp(`http://127.0.0.1:${catalogPort}/healthz`, catalog),
    waitForHttp(`http://127.0.0.1:${instructorPort}/healthz`, instructor),
    ...[[edgePort, edge], [plainPort, plain], [cachedPort, cached]].map(([port, child]) => waitForHttp(`http://127.0.0.1:${port as number}/healthz`, child as ChildHandle)),
  ]);

  const direct = await captureResponse(catalogUrl, { headers: signedHeaders(CATEGORIES_TEXT)(), body: CATEGORIES_TEXT });
  if (direct.status !== 200) throw new Error(`catalog answered ${direct.status}: ${direct.body.slice(0, 500)}`);
  const data = dataOf(direct.body, 'catalog');

  const dir = mkdtempSync(join(tmpdir(), 'bench-static-'));
  onCleanup('remove static body', () => rmSync(dir, { recursive: true, force: true }));
  const bodyFile = join(dir, 'body.json');
  writeFileSync(bodyFile, direct.body);
  const staticServer = startService('static', 'scripts/bench/lib/static-server.ts', { PORT: String(staticPort), STATIC_BODY_FILE: bodyFile, STATIC_CONTENT_TYPE: direct.contentType || 'application/json' });
  await waitForHttp(`http://127.0.0.1:${staticPort}/healthz`, staticServer);
  log(`  children ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const partnerHeaders = () => ({ 'content-type': 'application/json', 'x-api-key': PARTNER_SECRET });
  const anonymous = () => ({ 'content-type': 'application/json' });
  const edgeUrl = `http://127.0.0.1:${edgePort}/graphql`;
  const plainUrl = `http://127.0.0.1:${plainPort}/graphql`;
  for (const [what, url, headers, body] of [['edge gateway', edgeUrl, partnerHeaders, CATEGORIES_BY_ID], ['plain gateway', plainUrl, anonymous, CATEGORIES_TEXT]] as const) {
    const answer = await captureResponse(url, { headers: headers(), body });
    if (answer.status !== 200 || dataOf(answer.body, what) !== data) throw new Error(`${what} answered ${answer.status}, not the catalog's data: ${answer.body.slice(0, 500)}`);
  }
  log(`  response: ${Buffer.byteLength(direct.body)} bytes (the same data via both gateways, direct and static)`);

  const targets: Target[] = [
    { name: 'gateway edge on', url: edgeUrl, headers: partnerHeaders, body: CATEGORIES_BY_ID, expect: { verify: sameData(data) } },
    { name: 'gateway edge off', url: plainUrl, headers: anonymous, body: CATEGORIES_TEXT, expect: { verify: sameData(data) } },
    { name: 'direct', url: catalogUrl, headers: signedHeaders(CATEGORIES_TEXT), body: CATEGORIES_TEXT, expect: { body: direct.body } },
    { name: 'static', url: `http://127.0.0.1:${staticPort}/graphql`, headers: signedHeaders(CATEGORIES_TEXT), body: CATEGORIES_TEXT, expect: { body: direct.body } },
  ];
  const pids: Record<string, number | 'self'> = { edge: edge.pid, plain: plain.pid, catalog: catalog.pid, static: staticServer.pid, loadgen: 'self' };
  const runs = await measureRounds(targets, pids, ['edge', 'plain', 'catalog', 'loadgen']);

  // Ratios are taken within a round (targets measured seconds apart), then the median over rounds.
  const perRound = (f: (on: Run, off: Run, d: Run, s: Run) => number) =>
    runs['gateway edge on']!.map((on, i) => f(on, runs['gateway edge off']![i]!, runs.direct![i]!, runs.static![i]!));
  const cpu = (run: Run, name: string) => run.cpuMsPerRequest[name] ?? Number.NaN;
  log();
  log('Ratios (per round, then median over rounds):');
  log(`  throughput edge on / edge off            ${spread(perRound((on, off) => on.load.rps / off.load.rps), 3)}   (goal ≥ 0.9)`);
  log(`  throughput gateway (edge on) / direct    ${spread(perRound((on, _, d) => on.load.rps / d.load.rps), 3)}   (goal ≥ 0.4)`);
  log(`  throughput gateway (edge off) / direct   ${spread(perRound((_, off, d) => off.load.rps / d.load.rps), 3)}`);
  log(`  throughput direct / static               ${spread(perRound((_, __, d, st) => d.load.rps / st.load.rps), 3)}`);
  log(`  p50 edge on − direct (ms)                ${spread(perRound((on, _, d) => on.load.p50 - d.load.p50), 2)}`);
  log(`  CPU/request gateway edge on ÷ edge off   ${spread(perRound((on, off) => cpu(on, 'edge') / cpu(off, 'plain')), 2)}`);
  log(`  CPU/request gateway (edge on) ÷ catalog  ${spread(perRound((on, _, d) => cpu(on, 'edge') / cpu(d, 'catalog')), 2)}`);

  // ─── Part 1b: sixteen clients asking the same anonymous search page ───
  log();
  log(`Part 1b — ${SETTINGS.connections} clients sending the same anonymous search page (SearchInstructors "piano", 20): with the public cache and shared calls ÷ without`);
  const searchDirect = await captureResponse(`http://127.0.0.1:${cachedPort}/graphql`, { headers: anonymous(), body: SEARCH_PAGE });
  const searchData = dataOf(searchDirect.body, 'the search page');
  const pages: Target[] = [
    { name: 'cache + sharing', url: `http://127.0.0.1:${cachedPort}/graphql`, headers: anonymous, body: SEARCH_PAGE, expect: { verify: sameData(searchData) } },
    { name: 'neither', url: edgeUrl, headers: anonymous, body: SEARCH_PAGE, expect: { verify: sameData(searchData) } },
  ];
  const pageRuns = await measureRounds(pages, { cached: cached.pid, edge: edge.pid, catalog: catalog.pid, instructor: instructor.pid, loadgen: 'self' }, ['cached', 'edge', 'catalog', 'instructor']);
  log();
  log(`  throughput cache + sharing / neither     ${spread(pageRuns['cache + sharing']!.map((c, i) => c.load.rps / pageRuns.neither![i]!.load.rps), 2)}   (goal ≥ 2)`);
  await Promise.all([edge.stop(), plain.stop(), cached.stop(), catalog.stop(), instructor.stop(), staticServer.stop()]);
}

// ───────────────────────── Part 2: outbox relay vs bare producer ─────────────────────────

async function drainWithRelay(relay: OutboxRelay, db: Database, topic: string, expected: number): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  let events = 0;
  for (;;) {
    const n = await relay.publishBatch();
    if (n === 0) break;
    events += n;
  }
  const seconds = (performance.now() - started) / 1000;
  const left = await countUnpublished(db, topic);
  if (left > 0 || events < expected) {
    throw new Error(
      `the relay published ${events} events and left ${left} of ${expected} bench rows unpublished: ` +
        'another catalog outbox relay (a catalog worker) is probably running; stop it or re-run with BENCH_OUTBOX_DB=isolated',
    );
  }
  return { events, seconds };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function publishAll(bus: KafkajsEventBus, messages: readonly OutgoingMessage[], batchSize: number): Promise<void> {
  for (let i = 0; i < messages.length; i += batchSize) await bus.publish(messages.slice(i, i + batchSize));
}

/**
 * Where part 2 runs: the shared database's catalog outbox, unless a catalog
 * outbox relay is running there (e.g. `npm start`), which would race the bench relay for the rows;
 * then a throwaway database migrated like production. BENCH_OUTBOX_DB=auto|shared|isolated.
 */
async function outboxDatabaseUrl(sharedUrl: string): Promise<string> {
  const mode = process.env.BENCH_OUTBOX_DB ?? 'auto';
  if (!['auto', 'shared', 'isolated'].includes(mode)) throw new Error(`BENCH_OUTBOX_DB must be auto, shared or isolated, got "${mode}"`);
  let isolate = mode === 'isolated';
  if (mode === 'auto') {
    const probe = await new Database({ url: sharedUrl, schema: 'catalog', poolMax: 1, applicationName: 'bench-probe' }).connect();
    try {
      const relays = await runningRelays(probe, 'catalog');
      if (relays.length > 0) {
        log(`  a catalog outbox relay is running against the shared database (${relays.length} session(s)); using a throwaway database instead`);
        isolate = true;
      }
    } finally {
      await probe.close();
    }
  }
  if (!isolate) {
    log(`  outbox: shared database ${new URL(sharedUrl).pathname.slice(1)}, schema catalog`);
    return sharedUrl;
  }
  const started = Date.now();
  const bench = await createBenchDatabase('catalog', serviceMigrations.catalog);
  log(`  outbox: throwaway database ${bench.name} (bootstrapped and migrated in ${((Date.now() - started) / 1000).toFixed(1)} s; dropped afterwards)`);
  return bench.url;
}

async function outboxThroughput(): Promise<void> {
  const { outboxEvents: n, outboxBatch: batchSize, outboxRounds: rounds } = SETTINGS;
  const config = loadServiceConfig('catalog', { ...process.env, LOG_LEVEL: 'warn' });
  const topic = `bench-${Date.now()}.catalog.events`;
  log();
  log(`Part 2 — outbox relay vs bare producer: ${fmtInt(n)} events per run, batches of ${batchSize}, acks -1, ${rounds} rounds, topic ${topic}`);

  // 'error': the platform bus warns once that limited retries may break idempotence (see report).
  const logger = createLogger('bench', 'error');
  const url = await outboxDatabaseUrl(config.database.url);
  const db = await new Database({ url, schema: 'catalog', poolMax: 4, applicationName: 'bench-outbox' }).connect();
  const bus = new KafkajsEventBus({ brokers: config.kafka.brokers, clientId: 'instainstru-bench', logger });
  const raw = new RawKafka(config.kafka.brokers);
  onCleanup('close database', () => db.close());
  onCleanup('close event bus', () => bus.close());
  onCleanup('close raw kafka', () => raw.close());
  onCleanup('delete bench topic', () => withTimeout(raw.deleteTopics([topic]), 15_000, 'deleting the bench topic timed out'));
  let inserted = 0;
  let deleted = 0;
  const insertRows = async () => {
    await insertBenchRows(db, topic, n);
    inserted += n;
  };
  const deleteRows = async () => {
    deleted += await deleteBenchRows(db, topic);
  };
  onCleanup('delete bench outbox rows', async () => {
    await deleteRows();
    log(`  cleanup: ${deleted} of ${inserted} inserted bench outbox rows deleted; deleting topic ${topic}`);
  });

  await withTimeout(bus.ping(), 20_000, `Kafka at ${config.kafka.brokers.join(',')} did not answer (bash scripts/infra/status.sh; npm run infra:up)`);
  await bus.ensureTopics([topic], 3);
  const foreign = await countUnpublished(db);
  if (foreign > 0) log(`  note: ${foreign} unpublished non-bench rows are in catalog.outbox; the relay publishes them too (counted in its rate)`);

  const relay = new OutboxRelay({ db, bus, logger, schema: 'catalog', batchSize });

  // Warm-up (untimed for the report): one relay drain, which also yields the exact messages the
  // bare producers send, then one pass of each producer.
  await insertRows();
  const messages = await messagesFor(db, topic);
  const kafkaMessages = toKafkaMessages(messages);
  const valueBytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.value), 0) / messages.length;
  await drainWithRelay(relay, db, topic, n);
  await deleteRows();
  await publishAll(bus, messages, batchSize);
  await raw.sendInBatches(topic, kafkaMessages, batchSize);
  log(`  messages: ${fmtInt(messages.length)} × ≈ ${fmtInt(valueBytes)} B value (+ key and 3 headers)`);

  const rates = { relay: [] as number[], bus: [] as number[], raw: [] as number[] };
  const rows: string[][] = [];
  for (let round = 0; round < rounds; round += 1) {
    await insertRows();
    const drained = await drainWithRelay(relay, db, topic, n);
    await deleteRows();
    rates.relay.push(drained.events / drained.seconds);
    rows.push([String(round + 1), 'relay (OutboxRelay.publishBatch)', fmtInt(drained.events), fmt(drained.seconds, 3), fmtInt(drained.events / drained.seconds)]);

    const busSeconds = await timed(() => publishAll(bus, messages, batchSize));
    rates.bus.push(messages.length / busSeconds);
    rows.push([String(round + 1), 'bare KafkajsEventBus.publish', fmtInt(messages.length), fmt(busSeconds, 3), fmtInt(messages.length / busSeconds)]);

    const rawSeconds = await timed(() => raw.sendInBatches(topic, kafkaMessages, batchSize));
    rates.raw.push(messages.length / rawSeconds);
    rows.push([String(round + 1), 'raw kafkajs sendBatch', fmtInt(messages.length), fmt(rawSeconds, 3), fmtInt(messages.length / rawSeconds)]);
  }

  log();
  log(table(['round', 'publisher', 'events', 'seconds', 'events/s'], rows));
  const ratio = (a: number[], b: number[]) => {
    const values = a.map((v, i) => v / b[i]!);
    return `${fmt(median(values), 3)}   (rounds: ${values.map((v) => fmt(v, 3)).join(', ')})`;
  };
  log();
  log('Ratios (per round, then median over rounds):');
  log(`  relay/bare (KafkajsEventBus.publish)   ${ratio(rates.relay, rates.bus)}`);
  log(`  relay/raw kafkajs sendBatch            ${ratio(rates.relay, rates.raw)}`);
  log(`  KafkajsEventBus.publish/raw sendBatch  ${ratio(rates.bus, rates.raw)}`);
}

runBench(`bench: ${(['gateway', 'outbox'] as const).filter((p) => PARTS.has(p)).join(' + ')}`, async () => {
  if (PARTS.has('gateway')) await gatewayOverhead();
  if (PARTS.has('outbox')) await outboxThroughput();
});
