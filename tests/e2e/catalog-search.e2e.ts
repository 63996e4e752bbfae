import type { S3Client } from '@aws-sdk/client-s3';
import { dataOf, ensureBucket, errorOf, eventually, liveInstructor, readModelCaughtUp, removeUploadsOf, s3Client, serviceIdsByName, startStack, type TestInstructor, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { type CatalogPipeline, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let s3: S3Client;
let pipeline: CatalogPipeline;
let anneliese: TestInstructor;

const SEARCH = `query($text: String, $filters: InstructorSearchFilters, $first: Int, $after: String) {
  searchInstructors(text: $text, filters: $filters, first: $first, after: $after) {
    edges { distanceMiles node { id displayName } }
    pageInfo { hasNextPage }
    parsed { understood { phrase kind value } ignored }
    corrections { word suggestions }
    orderedBy
  }
}`;

interface SearchResult {
  edges: { distanceMiles: number | null; node: { id: string; displayName: string } | null }[];
  pageInfo: { hasNextPage: boolean };
  parsed: { understood: { phrase: string; kind: string; value: string }[]; ignored: string[] } | null;
  corrections: { word: string; suggestions: string[] }[];
  orderedBy: string;
}

const search = async (variables: Record<string, unknown>) => dataOf<{ searchInstructors: SearchResult }>(await stack.graphql(SEARCH, { variables })).searchInstructors;
const names = async (variables: Record<string, unknown>) => (await search(variables)).edges.map((e) => e.node?.displayName ?? null);

/** Waits until the catalog applied the instructor's latest event (the revision in the instructor's outbox). */
const caughtUp = (instructorId: string) => readModelCaughtUp(stack, 'catalog', instructorId);

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  s3 = s3Client();
  await ensureBucket(s3);
  pipeline = await startCatalogPipeline(stack);
  const serviceIds = await serviceIdsByName(stack);
  // Instructors made live through the instructor service; their events reach the catalog through Kafka.
  anneliese = await liveInstructor(stack, { sub: 'search-anneliese', displayName: 'Anneliese Vargas', serviceId: serviceIds.Piano!, ageGroups: ['KIDS', 'ADULTS'], postalCode: '11201', bio: 'Patient teacher of classical repertoire.' });
  const bartholomew = await liveInstructor(stack, { sub: 'search-bartholomew', displayName: 'Bartholomew Reyes', serviceId: serviceIds.Drums!, ageGroups: ['ADULTS'], postalCode: '10001' });
  const cleo = await liveInstructor(stack, { sub: 'search-cleo', displayName: 'Cleo Tanaka', serviceId: serviceIds.Drawing!, ageGroups: ['KIDS'], postalCode: '11215' });
  for (const who of [anneliese, bartholomew, cleo]) await caughtUp(who.id);
});

afterAll(async () => {
  await pipeline?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

describe('successful instructor search through the gateway', () => {
  it('"pinao" finds the piano teacher, whose name the gateway joins from the instructor service', async () => {
    const result = await search({ text: 'pinao' });
    expect(result.edges.map((e) => e.node)).toEqual([{ id: anneliese.id, displayName: 'Anneliese Vargas' }]);
    expect(result.corrections).toEqual([{ word: 'pinao', suggestions: ['piano'] }]);
  });

  it('"drums" finds the drummer and not the drawing teacher; a misspelt name finds its person; a bio word finds its teacher', async () => {
    expect(await names({ text: 'drums' })).toEqual(['Bartholomew Reyes']);
    expect(await names({ text: 'Bartolomew' })).toEqual(['Bartholomew Reyes']);
    expect(await names({ text: 'patient' })).toEqual(['Anneliese Vargas']);
  });

  it('nearest first from a ZIP code, with distances in miles', async () => {
    const result = await search({ filters: { postalCode: '11201' } });
    expect(result.orderedBy).toBe('DISTANCE');
    expect(result.edges.map((e) => e.node?.displayName)).toEqual(['Anneliese Vargas', 'Cleo Tanaka', 'Bartholomew Reyes']);
    const [near, middle, far] = result.edges.map((e) => e.distanceMiles!);
    expect(near).toBeLessThan(0.5);
    expect(middle).toBeGreaterThan(1.5);
    expect(far).toBeGreaterThan(middle!);
    expect(await names({ filters: { postalCode: '11201', withinMiles: 3 } })).toEqual(['Anneliese Vargas', 'Cleo Tanaka']);
  });

  it('reads a natural-language search and applies what it understood', async () => {
    const result = await search({ text: 'piano lessons for my 8 year old near 11201 under $70 on saturday mornings' });
    expect(result.edges.map((e) => e.node?.displayName)).toEqual(['Anneliese Vargas']);
    expect(result.parsed!.understood.map((t) => t.phrase)).toEqual(['piano', '8 year old', 'near 11201', 'under $70', 'saturday', 'mornings']);
    // Her rate is $65: under $60 finds nobody.
    expect(await names({ text: 'piano for kids near 11201 under $60' })).toEqual([]);
  });
});

describe('failing instructor search through the gateway', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an inverted price range', { filters: { priceMinMinor: 9000, priceMaxMinor: 1000 } }, 'INVALID_PRICE_RANGE'],
    ['an unknown category', { filters: { categorySlug: 'astrology' } }, 'UNKNOWN_CATEGORY'],
    ['an absurd page size', { first: 10_000 }, 'INVALID_PAGE_SIZE'],
    ['a forged cursor', { after: 'eyJmb3JnZWQiOnRydWV9' }, 'INVALID_CURSOR'],
    ['oversized text', { text: 'x'.repeat(201) }, 'SEARCH_TEXT_TOO_LONG'],
  ])('refuses %s with BAD_USER_INPUT', async (_, variables, reason) => {
    const result = await stack.graphql(SEARCH, { variables });
    expect(result.status).toBe(200);
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });
});

describe('an instructor going offline', () => {
  it('disappears from search once the catalog processed the event', async () => {
    dataOf(await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token: anneliese.token, variables: { id: anneliese.id } }));
    // Until the catalog processed the event her edge may have no node (the instructor service hides her
    // already), but the search never fails.
    await eventually(async () => (await names({ text: 'anneliese' })).length === 0, 20_000, 'Anneliese gone from search');
    expect(await names({ filters: { postalCode: '11201' } })).toEqual(['Cleo Tanaka', 'Bartholomew Reyes']);
  });
});
