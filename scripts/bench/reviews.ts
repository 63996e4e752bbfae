/**
 * A search page with each instructor's rating and first three reviews, through the gateway, as a
 * ratio against the same page without them, measured in the same run (the machine is noisy;
 * absolute numbers mean little). Goal: with / without ≥ 0.8.
 *
 *   npm run bench:reviews            (npx tsx scripts/bench/reviews.ts)
 *
 * It starts its own stack in this process, like the tests do: the catalog, instructor and reviews
 * subgraphs, each on a throwaway database migrated like production (dropped afterwards), and the
 * real gateway over the committed supergraph, with neither the public cache nor shared in-flight
 * calls nor rate limits (those would hide what the extra fields cost; bench:gateway measures them).
 * The data are the demo's, made by the services' own seeds: the catalog, BENCH_INSTRUCTORS demo
 * instructors, and the reviews seed's completed lessons and reviews of the live ones; the
 * instructor and review events reach the catalog through the real relays, Kafka and the catalog's
 * consumers, which are stopped before anything is measured.
 *
 *   without   searchInstructors(filters: { categorySlug: "music" }, orderBy: RATING, first: 20):
 *             what a search page shows (display name, services with their price)
 *   with      the same, plus rating { count average bayesianAverage } and
 *             reviews(first: 3) { edges { node { rating text studentName } } } of each instructor
 *
 * Both are sent anonymously by BENCH_CONNECTIONS keep-alive clients (autocannon, in this process)
 * in interleaved rounds, the order alternating; every answer must be a 200 with the exact bytes of
 * the first one. Per round it prints requests per second of each and their ratio, and at the end
 * the median ratio with a PASS/FAIL line, and the CPU per request of this process (gateway,
 * subgraphs, clients) and of Postgres.
 *
 * Needs the infrastructure (npm run infra:up): Postgres (superuser access for the throwaway
 * databases, as scripts/db-bootstrap.ts), Kafka, Redis and the S3-compatible storage (the
 * instructor seed uploads each instructor's background check; the bench deletes them after).
 * Knobs: BENCH_ROUNDS=5  BENCH_ROUND_SECONDS=5  BENCH_WARMUP_SECONDS=2  BENCH_CONNECTIONS=16
 *        BENCH_INSTRUCTORS=300
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { exportJWK, generateKeyPair } from 'jose';
import { closeServiceDeps, createLogger, createServiceDeps, loadServiceConfig, outboxRelayWorker, PlatformMetrics, type ServiceDeps, type Worker } from '@instainstru/platform';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { createReviewsModule } from '../../services/reviews/src/module';
import { createCallerResolver } from '../../gateway/src/auth/jwt-verifier';
import { buildGateway } from '../../gateway/src/server';
import { liveDemoInstructors } from '../lib/live-demo-instructors';
import { serviceMigrations } from '../services';
import { createBenchDatabase } from './lib/bench-database';
import { onCleanup, runBench } from './lib/cleanup';
import { envInt } from './lib/env';
import { captureResponse, loadFailures, runHttpLoad, type HttpLoadResult } from './lib/http-load';
import { ownCpuSeconds, postgresCpuSeconds } from './lib/proc-cpu';
import { fmt, fmtInt, median, minMax, table } from './lib/stats';

const SETTINGS = {
  rounds: envInt('BENCH_ROUNDS', 5),
  roundSeconds: envInt('BENCH_ROUND_SECONDS', 5),
  warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2),
  connections: envInt('BENCH_CONNECTIONS', 16),
  instructors: envInt('BENCH_INSTRUCTORS', 300),
};
const GOAL = 0.8;
const PAGE_SIZE = 20;
const SUPERGRAPH = join(__dirname, '../../schemas/supergraph.graphql');
const JSON_HEADERS = { 'content-type': 'application/json' };
const log = (line = '') => console.log(line);

type Service = 'catalog' | 'instructor' | 'reviews';
const SERVICES: Service[] = ['catalog', 'instructor', 'reviews'];

const SEARCH_ARGUMENTS = `filters: { categorySlug: "music" }, orderBy: RATING, first: ${PAGE_SIZE}`;
const SEARCH_PAGE = `id displayName offeredServices { service { id name } hourlyRate { amountMinor currency } }`;
const PAGES = {
  without: `query SearchPage { searchInstructors(${SEARCH_ARGUMENTS}) { edges { node { ${SEARCH_PAGE} } } pageInfo { hasNextPage endCursor } } }`,
  with: `query SearchPageWithReviews { searchInstructors(${SEARCH_ARGUMENTS}) { edges { node { ${SEARCH_PAGE}
    rating { count average bayesianAverage } reviews(first: 3) { edges { node { rating text studentName } } } } } pageInfo { hasNextPage endCursor } } }`,
};
type Page = keyof typeof PAGES;
const bodyOf = (page: Page) => JSON.stringify({ query: PAGES[page], operationName: page === 'with' ? 'SearchPageWithReviews' : 'SearchPage' });

interface Stack {
  deps: Record<Service, ServiceDeps>;
  gatewayUrl: string;
}

async function startStack(): Promise<Stack> {
  const prefix = `bench-reviews-${Date.now()}.`;
  const deps = {} as Record<Service, ServiceDeps>;
  const urls: Partial<Record<Service, string>> = {};
  for (const name of SERVICES) {
    const database = await createBenchDatabase(name, serviceMigrations[name]);
    const config = loadServiceConfig(name, { ...process.env, DATABASE_URL: database.url, KAFKA_TOPIC_PREFIX: prefix, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', DB_POOL_MAX: '20' });
    deps[name] = await createServiceDeps(config, []);
    onCleanup(`close ${name}`, () => closeServiceDeps(deps[name]));
  }
  const subgraphs = {
    catalog: () => createCatalogModule(deps.catalog).subgraph(),
    instructor: () => createInstructorModule(deps.instructor).subgraph(),
    reviews: () => createReviewsModule(deps.reviews).subgraph(),
  };
  for (const name of SERVICES) {
    const server = await subgraphs[name]();
    onCleanup(`drain ${name}`, () => server.drain());
    const http = await server.listen(0, '127.0.0.1');
    urls[name] = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  }
  // Anonymous visitors only; the key is there because the gateway needs one to verify tokens.
  const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const gateway = await buildGateway({
    supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'),
    subgraphUrls: { ...Object.fromEntries((['availability', 'booking', 'partners'] as const).map((n) => [n, 'http://127.0.0.1:9/graphql'])), ...urls },
    resolveCaller: createCallerResolver({ issuer: 'https://auth.instainstru.bench', audience: 'instainstru-api', publicJwks: [{ ...(await exportJWK(publicKey)), kid: 'bench-1', alg: 'EdDSA' }] }),
    signingSecret: deps.catalog.config.signingSecret,
    logger: createLogger('gateway', 'warn'),
    metrics: new PlatformMetrics('gateway'),
    allowArbitraryOperations: true,
    publicCacheEntries: 0,
    shareInFlight: false,
  });
  onCleanup('drain gateway', () => gateway.drain());
  const http = await gateway.listen(0, '127.0.0.1');
  return { deps, gatewayUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql` };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const countOf = async (deps: ServiceDeps, sql: string) => Number((await deps.db.query<{ n: string }>(sql))[0]!.n);

/** The instructor seed's objects in the bucket, deleted when the bench ends. */
function removeDocumentsOnCleanup(stack: Stack): void {
  const { s3 } = createInstructorModule(stack.deps.instructor).config;
  onCleanup('delete the seeded instructors’ documents', async () => {
    const client = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
    try {
      for (const { id } of await stack.deps.instructor.db.query<{ id: string }>(`select id from instructor_profile`)) {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `instructors/${id}/` }));
        const keys = (listed.Contents ?? []).map((o) => ({ Key: o.Key! }));
        if (keys.length) await client.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: keys } }));
      }
    } finally {
      client.destroy();
    }
  });
}

/**
 * The demo data through the services' own seeds, and the catalog's read models caught up from the
 * events (instructor relay → Kafka → catalog; reviews relay → Kafka → catalog); the workers stop after.
 */
async function seedDemo(stack: Stack): Promise<void> {
  const { catalog, instructor, reviews } = stack.deps;
  const t0 = Date.now();
  const catalogModule = createCatalogModule(catalog);
  await catalogModule.seed();
  const services = await catalogModule.listServices();
  removeDocumentsOnCleanup(stack);
  const seeded = await createInstructorModule(instructor).seed(services, { count: SETTINGS.instructors });
  log(`  instructor seed: ${seeded.created} instructors (${seeded.live} live) in ${fmt((Date.now() - t0) / 1000, 1)} s`);

  const workers: Worker[] = [...catalogModule.workers(), outboxRelayWorker(instructor), outboxRelayWorker(reviews)];
  for (const worker of workers) await worker.start();
  const stopWorkers = async () => {
    for (const worker of [...workers].reverse()) await worker.stop();
  };
  const unregister = onCleanup('stop workers', stopWorkers);
  onCleanup('delete the bench’s cache keys', async () => {
    const keys = await catalogModule.redis.keys(`${catalog.config.kafka.topicPrefix}catalog:*`);
    if (keys.length) await catalogModule.redis.del(...keys);
  });

  const t1 = Date.now();
  await until(async () => (await countOf(catalog, `select count(*) as n from instructor_listing where is_live`)) === seeded.live, 'the catalog to list every live instructor');
  const instructors = await liveDemoInstructors(instructor.db, new Map(services.map((s) => [s.id, s.categorySlug])));
  const written = await createReviewsModule(reviews).seed(instructors);
  log(
    `  reviews seed: ${written.reviews} reviews (${written.withText} with text, ${written.responses} responses) over ${written.lessons} lessons of ${written.instructors} instructors in ${fmt((Date.now() - t1) / 1000, 1)} s`,
  );
  await until(
    async () => (await countOf(reviews, `select count(*) as n from outbox where published_at is null`)) === 0 && (await countOf(catalog, `select review_count as n from rating_totals`)) === written.reviews,
    'the catalog to apply every review',
  );
  await stopWorkers();
  unregister();
  for (const deps of Object.values(stack.deps)) await deps.db.execute('analyze');
  log(`  demo data ready in ${fmt((Date.now() - t0) / 1000, 1)} s; the catalog ranks ${await countOf(catalog, `select count(*) as n from instructor_rating where review_count > 0`)} rated instructors`);
}

interface SearchAnswer {
  searchInstructors: {
    edges: { node: { displayName: string; rating?: { count: number; average: number | null; bayesianAverage: number | null }; reviews?: { edges: unknown[] } } | null }[];
  };
}

/** The two pages' answers, checked: a full page, the same instructors in the same order, ranked by the Bayesian average the reviews service reports. */
async function expectedAnswers(stack: Stack): Promise<Record<Page, string>> {
  const answers = {} as Record<Page, string>;
  const pages = {} as Record<Page, SearchAnswer['searchInstructors']['edges']>;
  for (const page of ['without', 'with'] as const) {
    const answer = await captureResponse(stack.gatewayUrl, { headers: JSON_HEADERS, body: bodyOf(page) });
    const parsed = JSON.parse(answer.body) as { data?: SearchAnswer; errors?: unknown[] };
    if (answer.status !== 200 || parsed.errors?.length || !parsed.data) throw new Error(`the ${page} page answered HTTP ${answer.status}: ${answer.body.slice(0, 500)}`);
    answers[page] = answer.body;
    pages[page] = parsed.data.searchInstructors.edges;
  }
  if (pages.with.length !== PAGE_SIZE) throw new Error(`the page has ${pages.with.length} instructors, not ${PAGE_SIZE}: raise BENCH_INSTRUCTORS`);
  const names = (page: Page) => pages[page].map((e) => e.node?.displayName).join('|');
  if (names('with') !== names('without')) throw new Error('the two pages list different instructors');
  const ratings = pages.with.map((e) => e.node!.rating!);
  const bayes = ratings.map((r) => r.bayesianAverage ?? -1);
  if (bayes.some((b, i) => i > 0 && b > bayes[i - 1]!)) throw new Error(`the catalog's order is not by the Bayesian average: ${bayes.join(', ')}`);
  const reviewsShown = pages.with.reduce((sum, e) => sum + (e.node!.reviews?.edges.length ?? 0), 0);
  log(
    `  page: ${PAGE_SIZE} music instructors by rating; Bayesian ${fmt(bayes[0]!)} … ${fmt(bayes[bayes.length - 1]!)}, ${ratings.filter((r) => r.count > 0).length} rated, ${reviewsShown} reviews shown; answers ${fmtInt(answers.without.length)} and ${fmtInt(answers.with.length)} bytes`,
  );
  return answers;
}

interface Measured extends HttpLoadResult {
  /** CPU microseconds per request of this process (gateway, subgraphs, load generator) and of Postgres. */
  nodeUs: number;
  postgresUs: number;
}

async function load(stack: Stack, page: Page, expected: string, seconds: number): Promise<Measured> {
  const cpu0 = { node: ownCpuSeconds(), postgres: postgresCpuSeconds() ?? Number.NaN };
  const result = await runHttpLoad({ url: stack.gatewayUrl, headers: JSON_HEADERS, body: bodyOf(page), connections: SETTINGS.connections, durationSeconds: seconds, expectBody: expected });
  const failure = loadFailures(result);
  if (failure) throw new Error(`${page}: ${failure}; the measurement is invalid`);
  const perRequest = (s: number) => (s * 1e6) / Math.max(1, result.ok);
  return { ...result, nodeUs: perRequest(ownCpuSeconds() - cpu0.node), postgresUs: perRequest((postgresCpuSeconds() ?? Number.NaN) - cpu0.postgres) };
}

runBench(`bench: reviews on the search page ${JSON.stringify(SETTINGS)}`, async () => {
  log('Preparing: throwaway databases, subgraphs and gateway in this process, the demo seeds');
  const stack = await startStack();
  await seedDemo(stack);
  const expected = await expectedAnswers(stack);

  log();
  log(`Measuring: ${SETTINGS.connections} clients, ${SETTINGS.rounds} rounds of ${SETTINGS.roundSeconds} s per page, alternating (warm-up ${SETTINGS.warmupSeconds} s each)`);
  for (const page of ['without', 'with'] as const) await load(stack, page, expected[page], SETTINGS.warmupSeconds);
  const rounds: Record<Page, Measured>[] = [];
  for (let r = 0; r < SETTINGS.rounds; r += 1) {
    const order: Page[] = r % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    const round = {} as Record<Page, Measured>;
    for (const page of order) round[page] = await load(stack, page, expected[page], SETTINGS.roundSeconds);
    rounds.push(round);
    log(`  round ${r + 1}: without ${fmtInt(round.without.rps)} req/s, with ${fmtInt(round.with.rps)} req/s, ratio ${fmt(round.with.rps / round.without.rps)}`);
  }

  const med = (page: Page, f: (m: Measured) => number) => median(rounds.map((r) => f(r[page])));
  log();
  log(
    table(
      ['page', 'req/s', 'p50 ms', 'p99 ms', 'node µs/req', 'pg µs/req'],
      (['without', 'with'] as const).map((page) => [
        page === 'without' ? 'search page' : 'search page + rating + 3 reviews',
        fmtInt(med(page, (m) => m.rps)),
        fmt(med(page, (m) => m.p50)),
        fmt(med(page, (m) => m.p99)),
        fmtInt(med(page, (m) => m.nodeUs)),
        fmtInt(median(rounds.map((r) => r[page].postgresUs).filter(Number.isFinite))),
      ]),
    ),
  );
  const ratios = rounds.map((r) => r.with.rps / r.without.rps);
  const ratio = median(ratios);
  const { min, max } = minMax(ratios);
  log();
  log(`  ${'with / without, throughput (median over rounds)'.padEnd(50)} ${fmt(ratio)}   (rounds ${fmt(min)}–${fmt(max)}; goal ≥ ${GOAL})`);
  // CPU per request varies far less than throughput on a shared machine: the same comparison by cost.
  const cpu = median(rounds.map((r) => r.without.nodeUs / r.with.nodeUs));
  log(`  ${'without / with, CPU per request of this process'.padEnd(50)} ${fmt(cpu)}   (gateway, subgraphs and clients share its one thread)`);
  log(`  ${ratio >= GOAL ? 'PASS' : 'FAIL'}: the search page with ratings and the first 3 reviews keeps ${fmt(ratio * 100, 0)} % of the plain page's throughput`);
});
