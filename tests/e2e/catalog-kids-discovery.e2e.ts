import type { S3Client } from '@aws-sdk/client-s3';
import { catalogSql, dataOf, ensureBucket, errorOf, eventually, liveInstructor, readModelCaughtUp, removeUploadsOf, s3Client, serviceIdsByName, startStack, TERMS, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { type CatalogPipeline, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let s3: S3Client;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  s3 = s3Client();
  await ensureBucket(s3);
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
});

afterAll(async () => {
  await pipeline?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

const kidsServices = async (): Promise<string[]> => {
  const { category } = dataOf<{ category: { services: { name: string }[] } }>(await stack.graphql('{ category(slug: "kids") { services { name } } }'));
  return category.services.map((s) => s.name);
};

/** Waits until the catalog applied the instructor's latest event (the revision in the instructor's outbox). */
const caughtUp = (instructorId: string) => readModelCaughtUp(stack, 'catalog', instructorId);

const LISTING = `query($s: ID!, $c: ListingContext!, $first: Int, $after: String) {
  instructorsForService(serviceId: $s, context: $c, first: $first, after: $after) {
    edges { cursor node { id displayName } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface Listing {
  edges: { cursor: string; node: { id: string; displayName: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const listing = async (serviceId: string, context: 'ALL' | 'KIDS', first?: number, after?: string) =>
  dataOf<{ instructorsForService: Listing }>(await stack.graphql(LISTING, { variables: { s: serviceId, c: context, first, after } })).instructorsForService;

describe('successful kids discovery, derived from instructor events', () => {
  it('Kids gains Piano when a kids-capable instructor goes live and loses it when they go offline', async () => {
    expect(await kidsServices()).toEqual([]);
    const ana = await liveInstructor(stack, { sub: 'kids-ana', displayName: 'Ana Kids', serviceId: serviceIds.Piano!, ageGroups: ['KIDS', 'ADULTS'], postalCode: '11201' });
    const wentLiveAt = Date.now();
    await eventually(async () => (await kidsServices()).includes('Piano'), 20_000, 'Piano under Kids');
    // From the mutation's answer to the public seeing it: relay, Kafka, consumer, invalidation.
    expect(Date.now() - wentLiveAt).toBeLessThan(5000);
    expect(await kidsServices()).toEqual(['Piano']);
    expect(dataOf<{ kidsAvailableServices: { name: string }[] }>(await stack.graphql('{ kidsAvailableServices { name } }')).kidsAvailableServices).toEqual([{ name: 'Piano' }]);

    // The read model holds her location as a geography point (rounded to about 1 km by the event).
    const [row] = await catalogSql<{ lat: number; lon: number; live: boolean }>(
      stack,
      `select st_y(location::geometry) as lat, st_x(location::geometry) as lon, is_live as live from instructor_listing where instructor_id = $1`,
      [ana.id],
    );
    expect(row).toEqual({ lat: 40.69, lon: -73.99, live: true });

    await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: ana.token, variables: { id: ana.id } });
    await eventually(async () => !(await kidsServices()).includes('Piano'), 20_000, 'Piano gone from Kids');
    expect(await kidsServices()).toEqual([]);
  });

  it('Kids loses a service when its last kids-capable instructor drops kids, and keeps it while another remains', async () => {
    const ben = await liveInstructor(stack, { sub: 'kids-ben', displayName: 'Ben Violin', serviceId: serviceIds.Violin!, ageGroups: ['KIDS'] });
    const cleo = await liveInstructor(stack, { sub: 'kids-cleo', displayName: 'Cleo Violin', serviceId: serviceIds.Violin!, ageGroups: ['KIDS', 'TEENS'] });
    await caughtUp(ben.id);
    await caughtUp(cleo.id);
    expect(await kidsServices()).toEqual(['Violin']);

    const dropKids = (who: typeof ben) =>
      stack.graphql(`mutation($o: ID!, $v: Int!, $terms: OfferedServiceTermsInput!) { updateOfferedService(offeredServiceId: $o, expectedVersion: $v, terms: $terms) { ageGroups } }`, {
        token: who.token,
        variables: { o: who.offeredServiceId, v: who.offeredVersion, terms: { ...TERMS, ageGroups: ['ADULTS'], lessonModes: ['ONLINE'] } },
      });
    expect(dataOf<{ updateOfferedService: { ageGroups: string[] } }>(await dropKids(ben)).updateOfferedService.ageGroups).toEqual(['ADULTS']);
    await caughtUp(ben.id);
    expect(await kidsServices()).toEqual(['Violin']);

    dataOf(await dropKids(cleo));
    await eventually(async () => (await kidsServices()).length === 0, 20_000, 'Violin gone from Kids');
  });
});

describe('context-aware listing', () => {
  let kidsPiano: string[];
  let allPiano: string[];

  beforeAll(async () => {
    const piano = serviceIds.Piano!;
    const made = [
      await liveInstructor(stack, { sub: 'p-dora', displayName: 'Dora Piano', serviceId: piano, ageGroups: ['ADULTS'] }),
      await liveInstructor(stack, { sub: 'p-eli', displayName: 'Eli Piano', serviceId: piano, ageGroups: ['KIDS'] }),
      await liveInstructor(stack, { sub: 'p-fay', displayName: 'Fay Piano', serviceId: piano, ageGroups: ['TEENS', 'ADULTS'] }),
      await liveInstructor(stack, { sub: 'p-gus', displayName: 'Gus Piano', serviceId: piano, ageGroups: ['KIDS', 'ADULTS'] }),
    ];
    for (const m of made) await caughtUp(m.id);
    allPiano = ['Dora Piano', 'Eli Piano', 'Fay Piano', 'Gus Piano'];
    kidsPiano = ['Eli Piano', 'Gus Piano'];
  });

  it('Music→Piano lists every live piano instructor, Kids→Piano only the kids-capable, with names joined by the gateway', async () => {
    expect((await listing(serviceIds.Piano!, 'ALL')).edges.map((e) => e.node.displayName)).toEqual(allPiano);
    expect((await listing(serviceIds.Piano!, 'KIDS')).edges.map((e) => e.node.displayName)).toEqual(kidsPiano);
    // Offline instructors (Ana, from above) are listed in neither.
    expect((await listing(serviceIds.Piano!, 'ALL')).edges.map((e) => e.node.displayName)).not.toContain('Ana Kids');
  });

  it('pages through in a stable order without duplicates or gaps', async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await listing(serviceIds.Piano!, 'ALL', 3, after);
      seen.push(...page.edges.map((e) => e.node.displayName));
      if (!page.pageInfo.hasNextPage) break;
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(allPiano);
    const kids = await listing(serviceIds.Piano!, 'KIDS', 1);
    expect(kids.pageInfo.hasNextPage).toBe(true);
    const rest = await listing(serviceIds.Piano!, 'KIDS', 1, kids.pageInfo.endCursor!);
    expect([...kids.edges, ...rest.edges].map((e) => e.node.displayName)).toEqual(kidsPiano);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });
});

describe('failing listing input', () => {
  const attempt = (variables: Record<string, unknown>) => stack.graphql(LISTING, { variables: { s: serviceIds.Piano!, c: 'ALL', ...variables } });

  it.each([
    ['a page size of 0', { first: 0 }, 'INVALID_PAGE_SIZE'],
    ['a negative page size', { first: -5 }, 'INVALID_PAGE_SIZE'],
    ['an absurd page size', { first: 100000 }, 'INVALID_PAGE_SIZE'],
    ['a forged cursor', { after: 'not-a-cursor' }, 'INVALID_CURSOR'],
    ['a cursor with a made-up shape', { after: Buffer.from(JSON.stringify({ id: 1 })).toString('base64url') }, 'INVALID_CURSOR'],
    ['a cursor with a non-uuid id', { after: Buffer.from(JSON.stringify(['x', "1' or 1=1"])).toString('base64url') }, 'INVALID_CURSOR'],
  ])('refuses %s with BAD_USER_INPUT, never a 500', async (_, variables, reason) => {
    const result = await attempt(variables);
    expect(result.status).toBe(200);
    expect(result.body.data).toBeNull();
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it('answers NOT_FOUND for a service that does not exist', async () => {
    expect(errorOf(await attempt({ s: '00000000-0000-0000-0000-000000000000' }))).toMatchObject({ code: 'NOT_FOUND', reason: 'SERVICE_NOT_FOUND' });
  });

  it('lists nobody for a service with no live instructor', async () => {
    expect(await listing(serviceIds.Cello!, 'ALL')).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });
});

describe('the Kids cache', () => {
  it('never serves a stale answer once the invalidating event was processed', async () => {
    const flip = await liveInstructor(stack, { sub: 'kids-flip', displayName: 'Flip Drums', serviceId: serviceIds.Drums!, ageGroups: ['KIDS'] });
    await caughtUp(flip.id);
    const generationKey = `${stack.deps.catalog!.config.kafka.topicPrefix}catalog:kids-services:generation`;
    const latencies: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      // Warm the cache, change the instructor, and read the moment the consumer has finished.
      expect(await kidsServices()).toContain('Drums');
      const before = Number((await pipeline.redis.get(generationKey)) ?? 0);
      await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: flip.token, variables: { id: flip.id } });
      const changedAt = Date.now();
      await eventually(async () => Number(await pipeline.redis.get(generationKey)) > before, 20_000, 'the invalidation');
      expect(await kidsServices()).not.toContain('Drums');
      latencies.push(Date.now() - changedAt);

      const offline = Number(await pipeline.redis.get(generationKey));
      dataOf(await stack.graphql(`mutation($id: ID!) { goLive(instructorId: $id) { isLive } }`, { token: flip.token, variables: { id: flip.id } }));
      await eventually(async () => Number(await pipeline.redis.get(generationKey)) > offline, 20_000, 'the invalidation');
      expect(await kidsServices()).toContain('Drums');
    }
    // The instructor's change is visible within a second (outbox relay, Kafka, consumer, invalidation).
    expect(Math.max(...latencies)).toBeLessThan(1000);
    // And the answer did come from the cache in between: one entry per generation read.
    const cached = await pipeline.redis.keys(`${generationKey}:*`);
    expect(cached.length).toBeGreaterThan(0);
  });
});
