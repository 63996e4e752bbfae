import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callerKeyFor, signCaller } from '@instainstru/platform';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
});

afterAll(() => stack?.stop());

const catalogCalls = () => stack.subgraphRequests('catalog');

/** `categories → services → category → services …` with `turns` list levels below categories. */
const cycle = (turns: number) => {
  let inner = 'slug';
  for (let i = 0; i < turns; i += 1) inner = `services { category { ${inner} } }`;
  return `{ categories { ${inner} } }`;
};

interface CostExtension {
  requestedQueryCost: number;
  maximumQueryCost: number;
  throttleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

describe('successful operations carry their cost', () => {
  it('answers a big but legitimate search page with its cost', async () => {
    const { status, body } = await stack.graphql(`{
      searchInstructors(text: "piano", first: 50) {
        edges { distanceMiles node { id displayName offeredServices { service { name } hourlyRate { amountMinor } } } }
        pageInfo { hasNextPage }
      }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const cost = (body as { extensions?: { cost?: CostExtension } }).extensions?.cost;
    expect(cost?.requestedQueryCost).toBeGreaterThan(50);
    expect(cost?.requestedQueryCost).toBeLessThanOrEqual(cost!.maximumQueryCost);
    expect(cost?.throttleStatus?.maximumAvailable).toBeGreaterThan(0);
  });

  it('prices one turn of the cycle as allowed and says so', async () => {
    const { body } = await stack.graphql(cycle(0));
    expect(body.errors).toBeUndefined();
    expect((body as { extensions?: { cost?: CostExtension } }).extensions?.cost?.requestedQueryCost).toBe(20);
  });
});

describe('failing operations: refused before any subgraph is called', () => {
  it.each([2, 3, 4, 5])('refuses the category cycle %i list levels deep with its cost and the limit', async (turns) => {
    const before = await catalogCalls();
    const { status, body } = await stack.graphql(cycle(turns));
    expect(status).toBe(400);
    expect(body.data).toBeUndefined();
    const error = body.errors?.[0];
    expect(error?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const cost = error?.extensions?.cost as CostExtension;
    expect(cost.requestedQueryCost).toBeGreaterThan(cost.maximumQueryCost);
    expect(cost.maximumQueryCost).toBe(5000);
    expect(await catalogCalls()).toBe(before);
  });

  it('refuses the cycle at the deepest nesting the depth limit allows', async () => {
    // 12 levels allowed: categories + 5 × (services, category) + slug.
    const { body } = await stack.graphql(cycle(5));
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const tooDeep = await stack.graphql(cycle(6));
    expect(tooDeep.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('prices a page size given in variables', async () => {
    const query = 'query($n: Int) { searchInstructors(text: "piano", first: $n) { edges { node { id offeredServices { service { category { services { name } } } } } } } }';
    const small = await stack.graphql(query, { variables: { n: 1 } });
    expect(small.body.errors?.[0]?.extensions?.code).not.toBe('QUERY_TOO_COMPLEX');
    const big = await stack.graphql(query, { variables: { n: 50 } });
    expect(big.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('refuses a string argument longer than any field takes, before any subgraph is called', async () => {
    const slug = 'x'.repeat(5000);
    const literal = await stack.graphql(`{ category(slug: "${slug}") { name } }`);
    expect(literal.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STRING_TOO_LONG', details: { maxLength: 4000, length: 5000 } });
    const variable = await stack.graphql('query($s: String!) { category(slug: $s) { name } }', { variables: { s: slug } });
    expect(variable.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STRING_TOO_LONG', details: { where: '$s' } });
  });

  it('the catalog asked directly with a valid signature for the cycle refuses it too, and keeps serving', async () => {
    const body = JSON.stringify({ query: cycle(5) });
    const headers = signCaller({ userId: null, roles: [], requestId: 'direct' }, callerKeyFor(stack.signingSecret, 'catalog'), { method: 'POST', path: '/graphql', body });
    const direct = await fetch(stack.subgraphUrls.catalog!, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const answer = (await direct.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(answer.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const after = await stack.graphql('{ categories { slug } }');
    expect(after.body.errors).toBeUndefined();
  });

  it('answers SERVICE_UNAVAILABLE, naming the service, when a subgraph does not answer in time', async () => {
    const silent = createServer(() => undefined); // accepts, reads, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const gateway = await stack.startGateway({ subgraphTimeoutMs: 300, subgraphUrls: { catalog: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql` } });
      const started = Date.now();
      const { body } = await gateway.graphql('{ categories { slug } }');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'catalog' });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE, naming the service, when a subgraph is down', async () => {
    const token = await stack.token({ sub: 'student-1', roles: ['student'] });
    const { body } = await stack.graphql('{ myBookings(when: UPCOMING) { edges { node { id } } } }', { token });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', service: 'booking' });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });
});
