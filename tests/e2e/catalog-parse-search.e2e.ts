import { startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
});

afterAll(() => stack?.stop());

const PARSE = `query Parse($text: String!) {
  parseSearch(text: $text) {
    filters {
      service { id name category { slug } }
      categorySlug ageGroup priceMinMinor priceMaxMinor currency postalCode daysOfWeek timeOfDay lessonModes
    }
    understood { phrase kind value }
    ignored
  }
}`;

interface ParsedSearchResult {
  filters: Record<string, unknown> & { service: { id: string; name: string; category: { slug: string } } | null };
  understood: { phrase: string; kind: string; value: string }[];
  ignored: string[];
}

async function parseSearch(text: string) {
  const { status, body } = await stack.graphql(PARSE, { variables: { text } });
  expect(status).toBe(200);
  return { data: body.data?.parseSearch as ParsedSearchResult | undefined, errors: body.errors as { extensions?: { code?: string; reason?: string } }[] | undefined };
}

describe('successful natural-language search parsing through the gateway', () => {
  it('reads the example sentence into filters and says what it understood', async () => {
    const { data, errors } = await parseSearch('guitar lessons for my 8 year old near 11201 under $50 on saturday mornings');
    expect(errors).toBeUndefined();
    expect(data!.filters).toEqual({
      service: { id: expect.any(String), name: 'Guitar', category: { slug: 'music' } },
      categorySlug: 'music',
      ageGroup: 'KIDS',
      priceMinMinor: null,
      priceMaxMinor: 5000,
      currency: 'USD',
      postalCode: '11201',
      daysOfWeek: ['SATURDAY'],
      timeOfDay: 'MORNING',
      lessonModes: [],
    });
    const { body: serviceBody } = await stack.graphql(`{ service(id: "${data!.filters.service!.id}") { name synonyms } }`);
    expect(serviceBody.data).toEqual({ service: { name: 'Guitar', synonyms: ['acoustic guitar', 'electric guitar'] } });
    expect(data!.understood.map((t) => t.phrase)).toEqual(['guitar', '8 year old', 'near 11201', 'under $50', 'saturday', 'mornings']);
    expect(data!.ignored).toEqual([]);
  });

  it('matches synonyms and categories from the catalog database', async () => {
    const { data } = await parseSearch('keyboard lessons online for adults between $40 and $60');
    expect(data!.filters).toMatchObject({ service: { name: 'Piano' }, ageGroup: 'ADULTS', priceMinMinor: 4000, priceMaxMinor: 6000, lessonModes: ['ONLINE'] });

    const category = await parseSearch('languages weekends');
    expect(category.data!.filters).toMatchObject({ service: null, categorySlug: 'languages', daysOfWeek: ['SATURDAY', 'SUNDAY'] });
  });
});

describe('failing and refused natural-language search parsing through the gateway', () => {
  it('refuses to guess between two services, a price without a direction, and a 4-digit ZIP', async () => {
    const { data, errors } = await parseSearch('piano or guitar $50 near 1120 blorp');
    expect(errors).toBeUndefined();
    expect(data!.filters).toMatchObject({ service: null, categorySlug: null, priceMinMinor: null, priceMaxMinor: null, currency: null, postalCode: null });
    expect(data!.understood).toEqual([]);
    expect(data!.ignored).toEqual(['piano', 'guitar', '$50', 'near 1120', 'blorp']);
  });

  it.each([
    ['   ', 'EMPTY_SEARCH_TEXT'],
    ['piano '.repeat(40), 'SEARCH_TEXT_TOO_LONG'],
  ])('answers %j with BAD_USER_INPUT (%s)', async (text, reason) => {
    const { data, errors } = await parseSearch(text);
    expect(data).toBeUndefined();
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason });
  });
});
