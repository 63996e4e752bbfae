import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createPartnersModule } from '../../services/partners/src/module';
import type { OperationManifestFile } from '../../gateway/src/trusted-documents/operation-manifest';

let stack: TestStack;
let adminToken: string;
/** The rate-limit clock every gateway of this stack reads (ms). */
let clock = Date.UTC(2027, 0, 4, 9);

const manifest = JSON.parse(readFileSync(join(__dirname, '../../schemas/operations/manifest.json'), 'utf8')) as OperationManifestFile;
const idOf = (name: string) => manifest.operations.find((o) => o.name === name)!.id;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), partners: (deps) => createPartnersModule(deps).subgraph() }, { rateLimits: { now: () => clock } });
  await createCatalogModule(stack.deps.catalog!).seed();
  adminToken = await stack.token({ sub: 'admin-1', roles: ['admin'] });
});

afterAll(() => stack?.stop());

interface Answer {
  status: number;
  headers: Headers;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[]; extensions?: Record<string, unknown> };
}

/** A request as a partner sends it: the API key in `x-api-key`, and any body. */
async function send(url: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Answer['body'] };
}

async function createKey(scopes: string[], plan = { bucketSize: 100_000, restoreRatePerSecond: 10_000 }): Promise<{ id: string; secret: string }> {
  const { body } = await stack.graphql(
    'mutation($input: CreatePartnerApiKeyInput!) { createPartnerApiKey(input: $input) { secret apiKey { id } } }',
    { variables: { input: { name: 'Lesson widget', scopes, plan } }, token: adminToken },
  );
  expect(body.errors).toBeUndefined();
  const created = body.data!.createPartnerApiKey as { secret: string; apiKey: { id: string } };
  return { id: created.apiKey.id, secret: created.secret };
}

const catalogCalls = () => stack.subgraphRequests('catalog');

describe('successful partner calls', () => {
  it('runs a trusted operation by id with a key that has its scope', async () => {
    const key = await createKey(['CATALOG_READ']);
    const { status, body } = await send(stack.gatewayUrl, { documentId: `sha256:${idOf('Categories')}` }, { 'x-api-key': key.secret });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((body.data!.categories as { slug: string }[]).map((c) => c.slug)).toContain('music');
    // The APQ form of the id works the same way.
    const apq = await send(stack.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: idOf('Categories') } } }, { 'x-api-key': key.secret });
    expect(apq.body.errors).toBeUndefined();
  });

  it('lets first-party callers send ids too', async () => {
    const { body } = await send(stack.gatewayUrl, { documentId: idOf('KidsAvailableServices') });
    expect(body.errors).toBeUndefined();
    expect(Array.isArray(body.data!.kidsAvailableServices)).toBe(true);
  });
});

describe('failing partner calls', () => {
  it('refuses an unknown or malformed key with 401 before anything runs', async () => {
    const before = await catalogCalls();
    for (const secret of ['iik_000000_' + 'A'.repeat(43), 'not-a-key']) {
      const { status, body } = await send(stack.gatewayUrl, { documentId: idOf('Categories') }, { 'x-api-key': secret });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(await catalogCalls()).toBe(before);
  });

  it('refuses a document sent as text, an id outside the manifest, and an APQ hash of another document', async () => {
    const key = await createKey(['CATALOG_READ']);
    const text = await send(stack.gatewayUrl, { query: manifest.operations.find((o) => o.name === 'Categories')!.body }, { 'x-api-key': key.secret });
    expect(text.status).toBe(400);
    expect(text.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
    const unknown = await send(stack.gatewayUrl, { documentId: `sha256:${'0'.repeat(64)}` }, { 'x-api-key': key.secret });
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const apq = await send(
      stack.gatewayUrl,
      { query: '{ categories { slug } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } },
      { 'x-api-key': key.secret },
    );
    expect(apq.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });

  it('refuses a field the key has no scope for, naming the scope, before any subgraph is called', async () => {
    const key = await createKey(['CATALOG_READ']);
    const before = await catalogCalls();
    const { status, body } = await send(
      stack.gatewayUrl,
      { documentId: idOf('InstructorAvailability'), variables: { instructorId: '00000000-0000-4000-8000-000000000000', durationMinutes: 60, from: '2027-01-05', to: '2027-01-06' } },
      { 'x-api-key': key.secret },
    );
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'MISSING_SCOPE', details: { field: 'Query.bookableSlots', requiredScope: 'availability:read' } });
    expect(await catalogCalls()).toBe(before);
  });

  it('refuses a revoked key on every gateway replica within seconds', async () => {
    const key = await createKey(['CATALOG_READ']);
    const replica = await stack.startGateway({ rateLimits: { now: () => clock } });
    for (const url of [stack.gatewayUrl, replica.url]) {
      expect((await send(url, { documentId: idOf('Categories') }, { 'x-api-key': key.secret })).status).toBe(200);
    }
    const revoked = await stack.graphql('mutation($id: ID!) { revokePartnerApiKey(id: $id) { revokedAt } }', { variables: { id: key.id }, token: adminToken });
    expect(revoked.body.errors).toBeUndefined();
    const started = Date.now();
    for (const url of [stack.gatewayUrl, replica.url]) {
      for (;;) {
        const { status } = await send(url, { documentId: idOf('Categories') }, { 'x-api-key': key.secret });
        if (status === 401) break;
        expect(Date.now() - started).toBeLessThan(3000);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  });
});

describe('rate limits', () => {
  it("empties a partner's bucket by each operation's cost and refills it at the plan's rate, across gateway replicas", async () => {
    // Categories costs 1,020 (20 categories × (1 + 50 services)): a 3,000-point bucket holds two.
    const key = await createKey(['CATALOG_READ'], { bucketSize: 3000, restoreRatePerSecond: 100 });
    const replica = await stack.startGateway({ rateLimits: { now: () => clock } });
    const run = (url: string) => send(url, { documentId: idOf('Categories') }, { 'x-api-key': key.secret });

    const first = await run(stack.gatewayUrl);
    expect(first.body.extensions?.cost).toEqual({
      requestedQueryCost: 1020,
      maximumQueryCost: 3000,
      throttleStatus: { maximumAvailable: 3000, currentlyAvailable: 1980, restoreRate: 100 },
    });
    expect((await run(replica.url)).status).toBe(200);

    const before = await catalogCalls();
    const limited = await run(stack.gatewayUrl);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.data).toBeUndefined();
    expect(limited.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfter: 1,
      cost: { requestedQueryCost: 1020, throttleStatus: { currentlyAvailable: 960 } },
    });
    expect(await catalogCalls()).toBe(before);

    clock += 600; // 60 points back: 1,020 there
    expect((await run(replica.url)).status).toBe(200);
    expect((await run(stack.gatewayUrl)).status).toBe(429);
    clock += 30_000; // refilled, never above the bucket's size
    const refilled = await run(replica.url);
    expect((refilled.body.extensions?.cost as { throttleStatus: { currentlyAvailable: number } }).throttleStatus.currentlyAvailable).toBe(3000 - 1020);
  });

  it('refuses an operation that costs more than the whole bucket as too complex, not as a wait', async () => {
    const key = await createKey(['CATALOG_READ'], { bucketSize: 500, restoreRatePerSecond: 100 });
    const { status, body } = await send(stack.gatewayUrl, { documentId: idOf('Categories') }, { 'x-api-key': key.secret });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: { requestedQueryCost: 1020, maximumQueryCost: 500 } });
  });

  it('keeps anonymous callers in a bucket of their own address', async () => {
    const gateway = await stack.startGateway({ rateLimits: { now: () => clock, anonymous: { bucketSize: 100, restoreRatePerSecond: 1 } } });
    expect((await gateway.graphql('{ categories { slug } }')).status).toBe(200); // 20
    const spent = await gateway.graphql('{ a: categories { slug } b: categories { slug } c: categories { slug } d: categories { slug } }'); // 80
    expect(spent.status).toBe(200);
    const limited = await gateway.graphql('{ categories { slug } }');
    expect(limited.status).toBe(429);
    expect(limited.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
