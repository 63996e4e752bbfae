import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventEnvelope } from '@instainstru/events';
import { dataOf, ensureBucket, errorOf, liveInstructor, publishEvents, readModelCaughtUp, removeUploadsOf, s3Client, serviceIdsByName, startStack, type TestInstructor, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';
import { type CatalogPipeline, catalogRatingsProcessed, reviewEvent, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let s3: S3Client;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;

const SEARCH = `query($filters: InstructorSearchFilters, $orderBy: InstructorSearchOrder, $first: Int, $after: String) {
  searchInstructors(filters: $filters, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { id displayName } }
    pageInfo { hasNextPage endCursor }
    orderedBy
  }
}`;

interface SearchPage {
  edges: { node: { id: string; displayName: string } | null }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  orderedBy: string;
}

const search = async (variables: Record<string, unknown>) => dataOf<{ searchInstructors: SearchPage }>(await stack.graphql(SEARCH, { variables })).searchInstructors;
const displayNames = (page: SearchPage) => page.edges.map((e) => e.node?.displayName ?? null);

let sub = 0;
/** Instructors taken live through the instructor service, offering one service; the catalog learns of them from its events. */
async function liveTeachers(service: string, displayNames: string[]): Promise<TestInstructor[]> {
  const teachers: TestInstructor[] = [];
  for (const displayName of displayNames) {
    teachers.push(await liveInstructor(stack, { sub: `rating-search-${(sub += 1)}`, displayName, serviceId: serviceIds[service]!, ageGroups: ['ADULTS'] }));
  }
  for (const teacher of teachers) await readModelCaughtUp(stack, 'catalog', teacher.id);
  return teachers;
}

/** Published reviews of an instructor, one per rating, as the reviews service publishes them; waits until the catalog applied them. */
async function review(instructorId: string, ratings: number[]): Promise<void> {
  const events: EventEnvelope[] = ratings.map((rating) => reviewEvent('review.published', { reviewId: randomUUID(), instructorId, rating, version: 1 }));
  await publishEvents(stack, events);
  await catalogRatingsProcessed(stack, events);
}

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  s3 = s3Client();
  await ensureBucket(s3);
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
  // The rest of the platform: a hundred 4-star reviews of someone teaching nothing searched here (the platform mean is a prior of every rating).
  await review(randomUUID(), Array<number>(100).fill(4));
});

afterAll(async () => {
  await pipeline?.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

describe('successful search by rating through the gateway', () => {
  it('fifty reviews averaging 4.9 outrank one 5-star review; instructors without reviews come after those with reviews', async () => {
    const [single, fifty] = await liveTeachers('Trumpet', ['Bruna Single', 'Carmen Fifty']);
    await liveTeachers('Trumpet', ['Aldo Newcomer']);
    await review(single!.id, [5]);
    await review(fifty!.id, [...Array<number>(45).fill(5), ...Array<number>(5).fill(4)]);

    const result = await search({ filters: { service: 'trumpet' }, orderBy: 'RATING' });
    expect(result.orderedBy).toBe('RATING');
    expect(displayNames(result)).toEqual(['Carmen Fifty', 'Bruna Single', 'Aldo Newcomer']);
    // By name they would come the other way round.
    expect(displayNames(await search({ filters: { service: 'trumpet' } }))).toEqual(['Aldo Newcomer', 'Bruna Single', 'Carmen Fifty']);
  });

  it('pages through equal ratings with first/after: every instructor once, ties by name, the unrated last', async () => {
    await liveTeachers('Saxophone', ['Aa Unrated']);
    for (const teacher of await liveTeachers('Saxophone', ['Eve Equal', 'Dan Equal', 'Fay Equal', 'Cal Equal', 'Bo Equal'])) await review(teacher.id, [4, 5]);

    const seen: (string | null)[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const page = await search({ filters: { service: 'saxophone' }, orderBy: 'RATING', first: 2, after });
      expect(page.edges.length).toBeLessThanOrEqual(2);
      seen.push(...displayNames(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(['Bo Equal', 'Cal Equal', 'Dan Equal', 'Eve Equal', 'Fay Equal', 'Aa Unrated']);
  });
});

describe('failing search by rating through the gateway', () => {
  it('a cursor of another order is refused as BAD_USER_INPUT', async () => {
    const byName = await search({ filters: { service: 'saxophone' }, first: 1 });
    const result = await stack.graphql(SEARCH, { variables: { filters: { service: 'saxophone' }, orderBy: 'RATING', first: 1, after: byName.pageInfo.endCursor } });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });
});
