import { randomUUID } from 'node:crypto';
import { catalogSql, dataOf, errorOf, type GraphQLResult, type InstructorState, instructorStateEvent, publishEvents, serviceIdsByName, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { type CatalogPipeline, catalogProcessed, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;
/** Instructor ids by display name. */
const ids: Record<string, string> = {};

const SEARCH = `query($text: String, $filters: InstructorSearchFilters, $first: Int, $after: String) {
  searchInstructors(text: $text, filters: $filters, first: $first, after: $after) {
    edges { cursor distanceMiles node { id } }
    pageInfo { hasNextPage endCursor }
    parsed { filters { service { name } categorySlug ageGroup priceMaxMinor postalCode daysOfWeek timeOfDay } understood { phrase kind value } ignored }
    appliedFilters { service { name } categorySlug ageGroup priceMinMinor priceMaxMinor currency postalCode daysOfWeek timeOfDay lessonModes }
    area { latitude longitude withinMiles postalCode }
    searchedWords
    corrections { word suggestions }
    orderedBy
  }
}`;

interface SearchResult {
  edges: { cursor: string; distanceMiles: number | null; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  parsed: { filters: Record<string, unknown>; understood: { phrase: string; kind: string; value: string }[]; ignored: string[] } | null;
  appliedFilters: Record<string, unknown>;
  area: { latitude: number; longitude: number; withinMiles: number; postalCode: string | null } | null;
  searchedWords: string[];
  corrections: { word: string; suggestions: string[] }[];
  orderedBy: string;
}

type Variables = { text?: string; filters?: Record<string, unknown>; first?: number; after?: string };
const attempt = (variables: Variables): Promise<GraphQLResult> => stack.graphql(SEARCH, { variables });
const search = async (variables: Variables): Promise<SearchResult> => dataOf<{ searchInstructors: SearchResult }>(await attempt(variables)).searchInstructors;
const nameOf = (id: string) => Object.keys(ids).find((name) => ids[name] === id) ?? id;
/** The display names of the results, in order (all pages are at most 50 here). */
const names = async (variables: Variables) => (await search({ first: 50, ...variables })).edges.map((e) => nameOf(e.node.id));

/** The people of this suite: Brooklyn (11201, 11215), Manhattan (10001), Boston (02108), online. */
const PEOPLE: [string, Partial<InstructorState> & { service: string; ages: string[]; rate: number; modes: string[] }][] = [
  ['Ana Lindqvist', { service: 'Piano', ages: ['kids', 'adults'], rate: 4500, modes: ['online', 'at_studio'], postalCode: '11201', bio: 'Classical piano and jazz improvisation for beginners.' }],
  ['Ben Adeyemi', { service: 'Piano', ages: ['adults'], rate: 8000, modes: ['at_studio'], postalCode: '10001', bio: 'Conservatory trained.' }],
  ['Cara Novak', { service: 'Drums', ages: ['teens'], rate: 5000, modes: ['at_student_place'], postalCode: '11215', bio: 'Rock and funk grooves.' }],
  ['Dan Whitfield', { service: 'Drawing', ages: ['kids'], rate: 4000, modes: ['at_studio'], postalCode: '11201', bio: 'Sketching from life.' }],
  ['Marguerite Okafor', { service: 'Spanish', ages: ['adults'], rate: 6000, modes: ['online'], postalCode: '02108', bio: 'Conversational Spanish with a focus on travel.' }],
  ['Eli Moreau', { service: 'Guitar', ages: ['kids'], rate: 4500, modes: ['at_studio'], postalCode: '11201', bio: 'Studied classical guitar with Fay Brennan.' }],
  ['Fay Brennan', { service: 'Guitar', ages: ['adults'], rate: 4500, modes: ['at_studio'], postalCode: '11201' }],
  ['Gus Halvorsen', { service: 'Guitar', ages: ['kids'], rate: 7000, modes: ['at_studio'], postalCode: '11201' }],
  ['Hal Petrakis', { service: 'Guitar', ages: ['kids'], rate: 4500, modes: ['at_studio'], postalCode: '02108' }],
  ['Jon Sato', { service: 'Guitar', ages: ['kids'], rate: 4500, modes: ['online'], postalCode: null }],
  ['Ivy Offline', { service: 'Piano', ages: ['kids'], rate: 4500, modes: ['at_studio'], postalCode: '11201', isLive: false }],
];

function personEvent(name: string, revision = 1, overrides: Partial<InstructorState> = {}) {
  const [, p] = PEOPLE.find(([n]) => n === name)!;
  ids[name] ??= randomUUID();
  return instructorStateEvent({
    instructorId: ids[name]!,
    revision,
    displayName: name,
    isLive: p.isLive ?? true,
    bio: p.bio ?? null,
    postalCode: p.postalCode,
    offered: [{ serviceId: serviceIds[p.service]!, ageGroups: p.ages, rateMinor: p.rate, lessonModes: p.modes }],
    ...overrides,
  });
}

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
  const events = PEOPLE.map(([name]) => personEvent(name));
  await publishEvents(stack, events);
  await catalogProcessed(stack, events);
});

afterAll(async () => {
  await pipeline?.stop();
  await stack?.stop();
});

describe('successful search by words: typos, synonyms, names, bios', () => {
  it('"pinao" finds the live piano instructors and nobody else, and says it read it as piano', async () => {
    const result = await search({ text: 'pinao' });
    expect(result.edges.map((e) => nameOf(e.node.id)).sort()).toEqual(['Ana Lindqvist', 'Ben Adeyemi']);
    expect(result.searchedWords).toEqual(['pinao']);
    expect(result.corrections).toEqual([{ word: 'pinao', suggestions: ['piano'] }]);
    expect(result.orderedBy).toBe('RELEVANCE');
  });

  it.each([
    ['gitar', ['Eli Moreau', 'Fay Brennan', 'Gus Halvorsen', 'Hal Petrakis', 'Jon Sato']],
    ['spansh', ['Marguerite Okafor']],
  ])('"%s" is corrected to its service', async (text, expected) => {
    expect((await names({ text })).sort()).toEqual(expected);
  });

  it('"drums" finds the drummer, never the drawing teacher', async () => {
    expect(await names({ text: 'drums' })).toEqual(['Cara Novak']);
    expect(await names({ text: 'drawing' })).toEqual(['Dan Whitfield']);
  });

  it('a synonym finds its service: "keyboard" is piano, "vocabulary" words of services too ("acoustic" is guitar)', async () => {
    expect((await names({ text: 'keyboard' })).sort()).toEqual(['Ana Lindqvist', 'Ben Adeyemi']);
    expect(await names({ text: 'acoustic', filters: { postalCode: '11201', withinMiles: 1 } })).toEqual(['Eli Moreau', 'Fay Brennan', 'Gus Halvorsen']);
  });

  it('finds a person by name, by surname, misspelt, and with the service they teach', async () => {
    expect(await names({ text: 'Marguerite Okafor' })).toEqual(['Marguerite Okafor']);
    expect(await names({ text: 'okafor' })).toEqual(['Marguerite Okafor']);
    expect(await names({ text: 'Margarite' })).toEqual(['Marguerite Okafor']);
    expect(await names({ text: 'okafor spanish' })).toEqual(['Marguerite Okafor']);
    // Every searched word must match: she does not teach guitar.
    expect(await names({ text: 'okafor gitar' })).toEqual([]);
  });

  it('searches bios with English stemming', async () => {
    expect(await names({ text: 'improvising jazz' })).toEqual(['Ana Lindqvist']);
  });

  it('ranks by how well the words match: a name before a bio that mentions it', async () => {
    const result = await search({ text: 'brennan' });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Fay Brennan', 'Eli Moreau']);
    expect(result.orderedBy).toBe('RELEVANCE');
    // Every word must match: "ana" (a name prefix) and "pinao" (her service) single out Ana.
    expect(await names({ text: 'ana pinao' })).toEqual(['Ana Lindqvist']);
  });

  it('never returns an instructor who is not live', async () => {
    // Ivy is in the catalog's read model, a piano teacher of kids in 11201 like Ana, only offline.
    expect(await catalogSql(stack, `select is_live from instructor_listing where instructor_id = $1`, [ids['Ivy Offline']])).toEqual([{ is_live: false }]);
    expect(await names({ text: 'ivy' })).toEqual([]);
    const piano = await names({ filters: { service: 'piano' } });
    expect(piano).toEqual(expect.arrayContaining(['Ana Lindqvist', 'Ben Adeyemi']));
    expect(piano).not.toContain('Ivy Offline');
  });
});

describe('successful search by filters', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['category', { categorySlug: 'arts' }, ['Dan Whitfield']],
    ['service by slug', { service: 'drums' }, ['Cara Novak']],
    ['age group', { ageGroup: 'TEENS' }, ['Cara Novak']],
    ['minimum price', { priceMinMinor: 6000 }, ['Ben Adeyemi', 'Gus Halvorsen', 'Marguerite Okafor']],
    ['maximum price', { priceMaxMinor: 4000 }, ['Dan Whitfield']],
    ['price range', { priceMinMinor: 4600, priceMaxMinor: 6500 }, ['Cara Novak', 'Marguerite Okafor']],
    ['lesson mode', { lessonModes: ['AT_STUDENT_PLACE'] }, ['Cara Novak']],
    ['the Kids category (kids-capable offerings)', { categorySlug: 'kids', service: 'guitar' }, ['Eli Moreau', 'Gus Halvorsen', 'Hal Petrakis', 'Jon Sato']],
    ['service outside the category: nobody', { categorySlug: 'arts', service: 'guitar' }, []],
  ])('by %s', async (_, filters, expected) => {
    expect(await names({ filters })).toEqual(expected);
  });

  it('by service id, in name order without words or place', async () => {
    const result = await search({ filters: { service: serviceIds.Piano } });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Ana Lindqvist', 'Ben Adeyemi']);
    expect(result.orderedBy).toBe('NAME');
    expect(result.appliedFilters).toMatchObject({ service: { name: 'Piano' }, categorySlug: 'music' });
  });

  it('applies the filters to the same offering: kids and under $50 must be one offer', async () => {
    expect(await names({ filters: { service: 'guitar', ageGroup: 'KIDS', priceMaxMinor: 5000, lessonModes: ['AT_STUDIO'] } })).toEqual(['Eli Moreau', 'Hal Petrakis']);
  });
});

describe('successful search by place', () => {
  it('near a ZIP code: nearest first with plausible distances, the far and the location-less left out', async () => {
    const result = await search({ filters: { postalCode: '11201' }, first: 50 });
    expect(result.orderedBy).toBe('DISTANCE');
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual([
      // 11201 (ties by name), then 11215 (about 2 miles), then 10001 (about 4 miles).
      'Ana Lindqvist', 'Dan Whitfield', 'Eli Moreau', 'Fay Brennan', 'Gus Halvorsen', 'Cara Novak', 'Ben Adeyemi',
    ]);
    const miles = result.edges.map((e) => e.distanceMiles!);
    expect(miles.slice(0, 5).every((m) => m < 0.5)).toBe(true);
    expect(miles[5]).toBeGreaterThan(1.5);
    expect(miles[5]).toBeLessThan(2.5);
    expect(miles[6]).toBeGreaterThan(3.2);
    expect(miles[6]).toBeLessThan(4.3);
    expect(result.area).toEqual({ latitude: 40.694, longitude: -73.9903, withinMiles: 10, postalCode: '11201' });
  });

  it('withinMiles leaves out the farther ones', async () => {
    expect(await names({ filters: { postalCode: '11201', withinMiles: 3 } })).toEqual(['Ana Lindqvist', 'Dan Whitfield', 'Eli Moreau', 'Fay Brennan', 'Gus Halvorsen', 'Cara Novak']);
  });

  it('near a point (Boston), with words: relevance first, then distance', async () => {
    expect(await names({ filters: { near: { latitude: 42.36, longitude: -71.06 }, withinMiles: 5 } })).toEqual(['Hal Petrakis', 'Marguerite Okafor']);
    expect(await names({ text: 'spanish', filters: { near: { latitude: 42.36, longitude: -71.06 }, withinMiles: 5 } })).toEqual(['Marguerite Okafor']);
  });

  it('online lessons are taken from anywhere when ONLINE is asked for, location or not; in-person ones only nearby', async () => {
    const result = await search({ filters: { postalCode: '11201', lessonModes: ['ONLINE'] } });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Ana Lindqvist', 'Marguerite Okafor', 'Jon Sato']);
    expect(result.edges[1]!.distanceMiles).toBeGreaterThan(150);
    expect(result.edges[2]!.distanceMiles).toBeNull();
    expect(await names({ filters: { postalCode: '02108', lessonModes: ['ONLINE', 'AT_STUDIO'], service: 'guitar' } })).toEqual(['Hal Petrakis', 'Jon Sato']);
  });
});

describe('successful natural-language search', () => {
  it('reads the example sentence into filters, applies them, and echoes days and times without applying them', async () => {
    const result = await search({ text: 'guitar lessons for my 8 year old near 11201 under $50 on saturday mornings' });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Eli Moreau']);
    expect(result.parsed!.understood.map((t) => t.kind)).toEqual(['SERVICE', 'AGE_GROUP', 'POSTAL_CODE', 'PRICE_MAX', 'DAY_OF_WEEK', 'TIME_OF_DAY']);
    expect(result.parsed!.filters).toMatchObject({ daysOfWeek: ['SATURDAY'], timeOfDay: 'MORNING' });
    expect(result.appliedFilters).toEqual({
      service: { name: 'Guitar' }, categorySlug: 'music', ageGroup: 'KIDS', priceMinMinor: null, priceMaxMinor: 5000, currency: 'USD',
      postalCode: '11201', daysOfWeek: [], timeOfDay: null, lessonModes: [],
    });
    expect(result.searchedWords).toEqual([]);
    expect(result.orderedBy).toBe('DISTANCE');
  });

  it('explicit filters replace what the text said about the same thing', async () => {
    const result = await search({ text: 'guitar for kids under $50', filters: { service: 'piano', ageGroup: 'ADULTS' } });
    expect(result.appliedFilters).toMatchObject({ service: { name: 'Piano' }, ageGroup: 'ADULTS', priceMaxMinor: 5000 });
    expect(result.parsed!.filters).toMatchObject({ service: { name: 'Guitar' }, ageGroup: 'KIDS' });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Ana Lindqvist']);
  });

  it('a misspelt service in a sentence is searched and combined with the understood filters', async () => {
    const result = await search({ text: 'pinao for kids near 11201' });
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Ana Lindqvist']);
    expect(result.parsed!.ignored).toEqual(['pinao']);
    expect(result.corrections).toEqual([{ word: 'pinao', suggestions: ['piano'] }]);
  });

  it('filter words the text used in contradiction stay ignored instead of being searched', async () => {
    const result = await search({ text: 'piano guitar' });
    expect(result.parsed!.ignored).toEqual(['piano', 'guitar']);
    expect(result.searchedWords).toEqual([]);
  });
});

describe('failing search input: BAD_USER_INPUT with a stable reason, never a 500', () => {
  const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  it.each<[string, Variables, string]>([
    ['a negative minimum price', { filters: { priceMinMinor: -1 } }, 'INVALID_PRICE_RANGE'],
    ['a negative maximum price', { filters: { priceMaxMinor: -100 } }, 'INVALID_PRICE_RANGE'],
    ['an inverted price range', { filters: { priceMinMinor: 6000, priceMaxMinor: 5000 } }, 'INVALID_PRICE_RANGE'],
    ['an unknown category slug', { filters: { categorySlug: 'astrology' } }, 'UNKNOWN_CATEGORY'],
    ['a malformed category slug', { filters: { categorySlug: "x' or 1=1" } }, 'INVALID_SLUG'],
    ['an unknown service slug', { filters: { service: 'underwater-basket-weaving' } }, 'UNKNOWN_SERVICE'],
    ['an unknown service id', { filters: { service: '00000000-0000-0000-0000-000000000000' } }, 'UNKNOWN_SERVICE'],
    ['a page size of 0', { first: 0 }, 'INVALID_PAGE_SIZE'],
    ['an absurd page size', { first: 1_000_000 }, 'INVALID_PAGE_SIZE'],
    ['a forged cursor', { after: 'not-a-cursor' }, 'INVALID_CURSOR'],
    ['a cursor of made-up shape', { after: forged([1, 2, 3]) }, 'INVALID_CURSOR'],
    ['a cursor with an injected id', { after: forged(['x', 0, 0, 'a', "1' or 1=1"]) }, 'INVALID_CURSOR'],
    ['text over 200 characters', { text: 'piano '.repeat(40) }, 'SEARCH_TEXT_TOO_LONG'],
    ['a latitude off the globe', { filters: { near: { latitude: 91, longitude: 0 } } }, 'INVALID_LOCATION'],
    ['a ZIP code that is not 5 digits', { filters: { postalCode: '1120' } }, 'INVALID_POSTAL_CODE'],
    ['a ZIP code that does not exist', { filters: { postalCode: '00000' } }, 'UNKNOWN_POSTAL_CODE'],
    ['a ZIP code in the text that does not exist', { text: 'piano near 00000' }, 'UNKNOWN_POSTAL_CODE'],
    ['a point and a ZIP code', { filters: { postalCode: '11201', near: { latitude: 40, longitude: -73 } } }, 'CONFLICTING_PLACE'],
    ['a radius of 0', { filters: { postalCode: '11201', withinMiles: 0 } }, 'INVALID_DISTANCE'],
    ['a radius over 100 miles', { filters: { postalCode: '11201', withinMiles: 5000 } }, 'INVALID_DISTANCE'],
    ['a radius without a place', { filters: { withinMiles: 5 } }, 'DISTANCE_WITHOUT_PLACE'],
  ])('refuses %s', async (_, variables, reason) => {
    const result = await attempt(variables);
    expect(result.status).toBe(200);
    expect(result.body.data).toBeNull();
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });

  it('refuses a real cursor used with another search', async () => {
    const page = await search({ text: 'pinao', first: 1 });
    const result = await attempt({ text: 'gitar', after: page.pageInfo.endCursor! });
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });

  it('treats empty text as no text', async () => {
    const result = await search({ text: '   ', filters: { service: 'drums' } });
    expect(result.parsed).toBeNull();
    expect(result.edges.map((e) => nameOf(e.node.id))).toEqual(['Cara Novak']);
  });
});

describe('going offline', () => {
  it('an instructor disappears from search once their went-offline event is processed', async () => {
    expect(await names({ text: 'Whitfield' })).toEqual(['Dan Whitfield']);
    const offline = personEvent('Dan Whitfield', 2, { isLive: false });
    await publishEvents(stack, [offline]);
    await catalogProcessed(stack, [offline]);
    expect(await names({ text: 'Whitfield' })).toEqual([]);
    expect(await names({ filters: { categorySlug: 'arts' } })).toEqual([]);
  });
});
