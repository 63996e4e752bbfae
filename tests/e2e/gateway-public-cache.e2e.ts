import type { S3Client } from '@aws-sdk/client-s3';
import { dataOf, ensureBucket, type GraphQLResult, liveInstructor, removeUploadsOf, s3Client, serviceIdsByName, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { type CatalogPipeline, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let s3: S3Client;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;
/** A gateway as deployed: the public cache on. */
let cached: { graphql(query: string, options?: { token?: string; variables?: Record<string, unknown> }): Promise<GraphQLResult> };

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  s3 = s3Client();
  await ensureBucket(s3);
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
  cached = await stack.startGateway({ publicCacheEntries: 1000 });
});

afterAll(async () => {
  await pipeline?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

const catalogCalls = () => stack.subgraphRequests('catalog');

describe('public queries served from the shared cache', () => {
  it('answers a repeated anonymous query without calling the catalog again, and with its cost', async () => {
    const query = '{ categories { slug services { name } } }';
    const first = await cached.graphql(query);
    expect(first.body.errors).toBeUndefined();
    const before = await catalogCalls();
    const again = await cached.graphql(query);
    expect(again.body.data).toEqual(first.body.data);
    expect((again.body as { extensions?: { cost?: { requestedQueryCost: number } } }).extensions?.cost?.requestedQueryCost).toBe(20 * 51);
    expect(await catalogCalls()).toBe(before);
  });

  it('asks again once the answer is older than its age', async () => {
    const query = '{ kidsAvailableServices { name } }';
    await cached.graphql(query);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const before = await catalogCalls();
    await cached.graphql(query);
    expect(await catalogCalls()).toBe(before + 1);
  });

  it('never caches what a signed-in user asks', async () => {
    const token = await stack.token({ sub: 'student-cache', roles: ['student'] });
    const query = '{ categories { slug } }';
    await cached.graphql(query, { token });
    const before = await catalogCalls();
    await cached.graphql(query, { token });
    expect(await catalogCalls()).toBe(before + 1);
  });

  it('shows a kids-available change within a second through the cached gateway', async () => {
    const kidsServices = async () =>
      dataOf<{ category: { services: { name: string }[] } }>(await cached.graphql('{ category(slug: "kids") { services { name } } }')).category.services.map((s) => s.name);
    const cellist = await liveInstructor(stack, { sub: 'kids-cello', displayName: 'Carla Strings', serviceId: serviceIds.Cello!, ageGroups: ['KIDS'] });
    const name = 'Cello';
    const deadline = Date.now() + 20_000;
    while (!(await kidsServices()).includes(name)) {
      if (Date.now() > deadline) throw new Error(`${name} never joined Kids`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies: number[] = [];
    for (const [mutation, present] of [['goOffline', false], ['goLive', true]] as const) {
      for (let i = 0; i < 5; i += 1) await kidsServices(); // the answer is in the cache
      dataOf(await stack.graphql(`mutation($id: ID!) { ${mutation}(instructorId: $id) { isLive } }`, { token: cellist.token, variables: { id: cellist.id } }));
      const changedAt = Date.now();
      while ((await kidsServices()).includes(name) !== present) {
        expect(Date.now() - changedAt).toBeLessThan(5000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      latencies.push(Date.now() - changedAt);
    }
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});
