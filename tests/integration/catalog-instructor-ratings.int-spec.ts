import { randomUUID } from 'node:crypto';
import { bayesianRating, platformMean, type EventEnvelope } from '@instainstru/events';
import { catalogSql, dataOf, instructorStateEvent, publishEvents, serviceIdsByName, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { type CatalogPipeline, catalogProcessed, catalogRatingsProcessed, reviewEvent, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
});

afterAll(async () => {
  await pipeline?.stop();
  await stack?.stop();
});

const SEARCH = `query($text: String, $filters: InstructorSearchFilters, $orderBy: InstructorSearchOrder, $first: Int, $after: String) {
  searchInstructors(text: $text, filters: $filters, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
    orderedBy
  }
}`;

interface SearchPage {
  edges: { node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  orderedBy: string;
}

type Variables = { text?: string; filters?: Record<string, unknown>; orderBy?: string; first?: number; after?: string };
const search = async (variables: Variables): Promise<SearchPage> => dataOf<{ searchInstructors: SearchPage }>(await stack.graphql(SEARCH, { variables })).searchInstructors;

/** Instructor ids by display name, across the suite. */
const ids: Record<string, string> = {};
const nameOf = (id: string) => Object.keys(ids).find((name) => ids[name] === id) ?? id;
const names = async (variables: Variables) => (await search({ first: 50, ...variables })).edges.map((e) => nameOf(e.node.id));

/** Live instructors in the catalog's read model, each offering one service online. */
async function instructors(service: string, people: { name: string; bio?: string }[]): Promise<void> {
  const events = people.map(({ name, bio }) => {
    ids[name] = randomUUID();
    return instructorStateEvent({ instructorId: ids[name], displayName: name, bio: bio ?? null, offered: [{ serviceId: serviceIds[service]!, lessonModes: ['online'] }] });
  });
  await publishEvents(stack, events);
  await catalogProcessed(stack, events);
}

/** Publishes review events as the reviews service would and waits until the catalog committed each. */
async function deliver(events: EventEnvelope[]): Promise<void> {
  await publishEvents(stack, events);
  await catalogRatingsProcessed(stack, events);
}

/** Published reviews (version 1) of one instructor, one per rating. */
const reviewsOf = (instructorId: string, ratings: number[]): EventEnvelope[] =>
  ratings.map((rating) => reviewEvent('review.published', { reviewId: randomUUID(), instructorId, rating, version: 1 }));

/** The instructor's aggregate of visible reviews as the catalog keeps it. */
async function aggregate(instructorId: string): Promise<{ count: number; sum: number }> {
  const [row] = await catalogSql<{ review_count: number; rating_sum: number }>(stack, `select review_count, rating_sum from instructor_rating where instructor_id = $1`, [instructorId]);
  return { count: row?.review_count ?? 0, sum: row?.rating_sum ?? 0 };
}

async function platformTotals(): Promise<{ count: number; sum: number }> {
  const [row] = await catalogSql<{ review_count: string; rating_sum: string }>(stack, `select review_count, rating_sum from rating_totals`);
  return { count: Number(row!.review_count), sum: Number(row!.rating_sum) };
}

describe('successful rating aggregates from review events', () => {
  it('counts visible reviews and sums their stars per instructor and for the platform; an edit moves the sum by the difference', async () => {
    const instructorId = randomUUID();
    const before = await platformTotals();
    const first = { reviewId: randomUUID(), instructorId, rating: 5, version: 1 };
    const second = { reviewId: randomUUID(), instructorId, rating: 2, version: 1 };
    await deliver([reviewEvent('review.published', first), reviewEvent('review.published', second)]);
    expect(await aggregate(instructorId)).toEqual({ count: 2, sum: 7 });

    await deliver([reviewEvent('review.updated', { ...second, rating: 4, version: 2 }), reviewEvent('review.responded', { ...second, rating: 4, version: 3 })]);
    expect(await aggregate(instructorId)).toEqual({ count: 2, sum: 9 });
    expect(await platformTotals()).toEqual({ count: before.count + 2, sum: before.sum + 9 });
  });
});

describe('failing (ignored) review events: redelivered and out of order', () => {
  it('a newer version arriving before the older one leaves the aggregate as the newer state says', async () => {
    const instructorId = randomUUID();
    const review = { reviewId: randomUUID(), instructorId, rating: 3, version: 1 };
    const updated = reviewEvent('review.updated', { ...review, rating: 5, version: 2 });
    const published = reviewEvent('review.published', review);
    await deliver([updated]);
    await deliver([published]);
    expect(await aggregate(instructorId)).toEqual({ count: 1, sum: 5 });

    // Hidden as version 3, then version 2 delivered again late: the review stays out.
    const hidden = reviewEvent('review.hidden', { ...review, rating: 5, visible: false, version: 3 });
    await deliver([hidden, reviewEvent('review.updated', { ...review, rating: 4, version: 2 })]);
    expect(await aggregate(instructorId)).toEqual({ count: 0, sum: 0 });
  });

  it('the same event delivered twice, and the same version sent again as a new event, count once', async () => {
    const instructorId = randomUUID();
    const before = await platformTotals();
    const review = { reviewId: randomUUID(), instructorId, rating: 4, version: 1 };
    const published = reviewEvent('review.published', review);
    await deliver([published]);
    await publishEvents(stack, [published]);
    // The same review, so the same partition: once this one is processed, the redelivery was too.
    const republished = reviewEvent('review.published', review);
    await deliver([republished]);
    const inbox = await catalogSql<{ n: string }>(stack, `select count(*) as n from inbox where event_id = $1`, [published.id]);
    expect(inbox[0]!.n).toBe('1');
    expect(await aggregate(instructorId)).toEqual({ count: 1, sum: 4 });
    expect(await platformTotals()).toEqual({ count: before.count + 1, sum: before.sum + 4 });
  });
});

describe('moderation: a hidden review leaves the aggregate and the rating order, a restored one comes back', () => {
  it('hide and restore move the instructor in orderBy: RATING', async () => {
    await instructors('Violin', [{ name: 'Hana Violinist' }, { name: 'Ivo Violinist' }]);
    const review = { reviewId: randomUUID(), instructorId: ids['Hana Violinist']!, rating: 5, version: 1 };
    await deliver([reviewEvent('review.published', review), ...reviewsOf(ids['Ivo Violinist']!, [4])]);
    const byRating = { filters: { service: 'violin' }, orderBy: 'RATING' };
    expect(await names(byRating)).toEqual(['Hana Violinist', 'Ivo Violinist']);

    await deliver([reviewEvent('review.hidden', { ...review, visible: false, version: 2 })]);
    expect(await aggregate(ids['Hana Violinist']!)).toEqual({ count: 0, sum: 0 });
    // Without a visible review she comes after everyone rated.
    expect(await names(byRating)).toEqual(['Ivo Violinist', 'Hana Violinist']);

    await deliver([reviewEvent('review.restored', { ...review, version: 3 })]);
    expect(await aggregate(ids['Hana Violinist']!)).toEqual({ count: 1, sum: 5 });
    expect(await names(byRating)).toEqual(['Hana Violinist', 'Ivo Violinist']);
  });
});

describe('relevance ties are broken by rating', () => {
  it('equal matches rank by the higher Bayesian rating, unrated last; a better match still comes first', async () => {
    // "baroque" matches three of them by their bio (equal scores) and Nell by her name (a better match).
    const bio = 'Baroque repertoire.';
    await instructors('Cello', [{ name: 'Abe Unrated', bio }, { name: 'Bea Fair', bio }, { name: 'Cy Good', bio }, { name: 'Nell Baroque' }]);
    await deliver([...reviewsOf(ids['Bea Fair']!, [3, 3, 3]), ...reviewsOf(ids['Cy Good']!, [5, 5, 5]), ...reviewsOf(ids['Nell Baroque']!, [1, 1])]);
    const result = await search({ text: 'baroque', first: 50 });
    expect(result.orderedBy).toBe('RELEVANCE');
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Nell Baroque', 'Cy Good', 'Bea Fair', 'Abe Unrated']);
  });
});

describe('paging by rating while new reviews move the platform mean', () => {
  it('every page of one search ranks over the prior of its first page: each instructor once', async () => {
    // One 5-star review against ten averaging 4.5: the single review ranks first while the platform
    // mean is above 4⅓ and second below it.
    await instructors('Flute', [{ name: 'Pia Single' }, { name: 'Quin Ten' }]);
    const high = randomUUID();
    const low = randomUUID();
    await deliver([...reviewsOf(ids['Pia Single']!, [5]), ...reviewsOf(ids['Quin Ten']!, [5, 5, 5, 5, 5, 4, 4, 4, 4, 4]), ...reviewsOf(high, Array<number>(100).fill(5))]);
    const rank = async () => {
      const totals = await platformTotals();
      const mean = platformMean(totals.sum, totals.count);
      return [bayesianRating(5, 1, mean)!, bayesianRating(45, 10, mean)!];
    };
    const [single, ten] = await rank();
    expect(single).toBeGreaterThan(ten!);

    const byRating = { filters: { service: 'flute' }, orderBy: 'RATING', first: 1 };
    const first = await search(byRating);
    expect(first.edges.map((e) => nameOf(e.node.id))).toEqual(['Pia Single']);
    expect(first.pageInfo.hasNextPage).toBe(true);

    await deliver(reviewsOf(low, Array<number>(200).fill(1)));
    const [singleNow, tenNow] = await rank();
    expect(singleNow).toBeLessThan(tenNow!);
    // A new search ranks over the new mean…
    expect(await names({ filters: { service: 'flute' }, orderBy: 'RATING' })).toEqual(['Quin Ten', 'Pia Single']);
    // …while the search already under way continues over its own.
    const seen = first.edges.map((e) => nameOf(e.node.id));
    let after = first.pageInfo.endCursor!;
    for (;;) {
      const next = await search({ ...byRating, after });
      seen.push(...next.edges.map((e) => nameOf(e.node.id)));
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor!;
    }
    expect(seen).toEqual(['Pia Single', 'Quin Ten']);
  });
});
