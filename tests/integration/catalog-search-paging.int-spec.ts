import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@instainstru/events';
import { dataOf, type InstructorState, instructorStateEvent, publishEvents, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { type CatalogPipeline, catalogProcessed, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let pipeline: CatalogPipeline;
let celloId: string;
/** A cellist's state as published (with what this suite updates always set). */
type Cellist = InstructorState & { instructorId: string; revision: number; bio: string; offered: { serviceId: string; ageGroups: string[]; rateMinor: number; lessonModes: string[] }[] };
/** The state last published per instructor, to update it. */
const published = new Map<string, Cellist>();

/** Brooklyn and Manhattan ZIP codes at different distances from 11201; several people share each. */
const ZIPS = ['11201', '11215', '10001', '11217', '11238', '10013'];

const SEARCH = `query($text: String, $filters: InstructorSearchFilters, $first: Int, $after: String) {
  searchInstructors(text: $text, filters: $filters, first: $first, after: $after) {
    edges { cursor node { id } }
    pageInfo { hasNextPage endCursor }
    orderedBy
  }
}`;

interface Page {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  orderedBy: string;
}

const page = async (variables: Record<string, unknown>) => dataOf<{ searchInstructors: Page }>(await stack.graphql(SEARCH, { variables })).searchInstructors;

/** Half are found by name ("Cellist …"), half by their bio ("… cellist"), so relevance differs. */
function cellist(i: number, zip: string): Cellist {
  const byName = i % 2 === 0;
  return {
    instructorId: randomUUID(),
    revision: 1,
    displayName: byName ? `Cellist ${String(i).padStart(2, '0')}` : `Player ${String(i).padStart(2, '0')}`,
    isLive: true,
    bio: byName ? 'Chamber music.' : 'Orchestral cellist.',
    postalCode: zip,
    offered: [{ serviceId: celloId, ageGroups: ['adults'], rateMinor: 5000 + i * 10, lessonModes: ['at_studio'] }],
  };
}

async function apply(instructors: Cellist[]): Promise<void> {
  const events: EventEnvelope[] = instructors.map((i) => {
    published.set(i.instructorId, i);
    return instructorStateEvent(i);
  });
  await publishEvents(stack, events);
  await catalogProcessed(stack, events);
}

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  pipeline = await startCatalogPipeline(stack);
  const [cello] = await stack.deps.catalog!.db.query<{ id: string }>(`select id from service where slug = 'cello'`);
  celloId = cello!.id;
  await apply(Array.from({ length: 24 }, (_, i) => cellist(i, ZIPS[i % ZIPS.length]!)));
});

afterAll(async () => {
  await pipeline?.stop();
  await stack?.stop();
});

let extra = 100;

/**
 * Between two pages another writer inserts instructors that sort anywhere (before the cursor too)
 * and updates existing ones (their rate and bio, not what they are sorted by).
 */
async function concurrentWrites(existing: string[]): Promise<string[]> {
  const inserted = [cellist(extra++, '11201'), cellist(extra++, ZIPS[extra % ZIPS.length]!)];
  inserted[0]!.displayName = `Aaron ${extra} Cellist`;
  const updated = existing.slice(0, 2).map((id) => {
    const before = published.get(id)!;
    return { ...before, revision: before.revision + 1, bio: `${before.bio} Now also teaching theory.`, offered: [{ ...before.offered[0]!, rateMinor: before.offered[0]!.rateMinor + 500 }] };
  });
  await apply([...inserted, ...updated]);
  return inserted.map((i) => i.instructorId);
}

/** Pages through the search, writing between pages; every id seen, in order. */
async function pageThrough(variables: Record<string, unknown>, existing: string[]): Promise<{ seen: string[]; inserted: string[]; orderedBy: string }> {
  const seen: string[] = [];
  const inserted: string[] = [];
  let after: string | undefined;
  let orderedBy = '';
  for (;;) {
    const result = await page({ ...variables, first: 5, after });
    orderedBy = result.orderedBy;
    seen.push(...result.edges.map((e) => e.node.id));
    if (!result.pageInfo.hasNextPage) break;
    after = result.pageInfo.endCursor!;
    inserted.push(...(await concurrentWrites(existing.slice(seen.length % existing.length))));
  }
  return { seen, inserted, orderedBy };
}

describe('paging is stable while instructors are inserted and updated', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['by name', { filters: { service: 'cello' } }, 'NAME'],
    ['by distance from a ZIP code', { filters: { service: 'cello', postalCode: '11201', withinMiles: 20 } }, 'DISTANCE'],
    ['by relevance, then distance', { text: 'cellist', filters: { postalCode: '11201', withinMiles: 20 } }, 'RELEVANCE'],
  ])('%s: the pages hold every instructor that existed at the start exactly once', async (_, variables, order) => {
    const before = await page({ ...variables, first: 50 });
    const existing = before.edges.map((e) => e.node.id);
    expect(existing.length).toBeGreaterThanOrEqual(24);
    expect(before.pageInfo.hasNextPage).toBe(false);

    const { seen, inserted, orderedBy } = await pageThrough(variables, existing);
    expect(orderedBy).toBe(order);
    expect(inserted.length).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    const startSet = new Set(existing);
    expect(seen.filter((id) => startSet.has(id))).toEqual(existing);
    // Anything else is an instructor inserted meanwhile (it may or may not show).
    for (const id of seen.filter((s) => !startSet.has(s))) expect(inserted).toContain(id);
  });
});
