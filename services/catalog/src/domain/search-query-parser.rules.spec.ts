import { CATALOG_SEED, slugify } from '../infra/seed/catalog-seed-data';
import { CatalogError, CatalogErrorCode } from './catalog.errors';
import type { CatalogService, Category } from './catalog.types';
import { parseSearchQuery, type SearchVocabulary } from './search-query-parser.rules';

/** The seeded catalog as the repository would return it. */
function seededVocabulary(): SearchVocabulary {
  const categories: Category[] = [];
  const services: CatalogService[] = [];
  for (const seed of CATALOG_SEED) {
    const category: Category = { id: `cat-${seed.slug}`, slug: seed.slug, name: seed.name, subtitle: seed.subtitle, iconName: seed.iconName, displayOrder: seed.displayOrder, isVirtual: seed.isVirtual ?? false };
    categories.push(category);
    for (const entry of seed.services) {
      const [name, synonyms = ''] = entry.split('|');
      const slug = slugify(name!);
      services.push({ id: `svc-${slug}`, slug, name: name!, categoryId: category.id, synonyms: synonyms.split(',').map((s) => s.trim()).filter(Boolean) });
    }
  }
  return { categories, services };
}

const vocabulary = seededVocabulary();
const parse = (text: string) => parseSearchQuery(text, vocabulary);

describe('parseSearchQuery: what it understands', () => {
  it('reads the example sentence into every filter', () => {
    const result = parse('guitar lessons for my 8 year old near 11201 under $50 on saturday mornings');
    expect(result.filters).toEqual({
      service: expect.objectContaining({ name: 'Guitar' }),
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
    expect(result.understood).toEqual([
      { phrase: 'guitar', kind: 'SERVICE', value: 'Guitar' },
      { phrase: '8 year old', kind: 'AGE_GROUP', value: 'KIDS' },
      { phrase: 'near 11201', kind: 'POSTAL_CODE', value: '11201' },
      { phrase: 'under $50', kind: 'PRICE_MAX', value: '5000' },
      { phrase: 'saturday', kind: 'DAY_OF_WEEK', value: 'SATURDAY' },
      { phrase: 'mornings', kind: 'TIME_OF_DAY', value: 'MORNING' },
    ]);
    expect(result.ignored).toEqual([]);
  });

  it.each([
    ['piano', 'Piano'],
    ['keyboard lessons', 'Piano'],
    ['hip hop', 'Hip-Hop Dance'],
    ['hip-hop dance classes', 'Hip-Hop Dance'],
    ['english as a second language', 'English as a Second Language'],
    ['Spanish', 'Spanish'],
    ['violins', 'Violin'],
  ])('"%s" is the service %s', (text, name) => {
    expect(parse(text).filters.service?.name).toBe(name);
  });

  it.each([
    ['music lessons', 'music'],
    ['languages', 'languages'],
    ['something in dance', 'dance'],
  ])('"%s" is the category %s', (text, slug) => {
    const { filters } = parse(text);
    expect(filters.categorySlug).toBe(slug);
    expect(filters.service).toBeNull();
  });

  it('keeps a service with its own category named too', () => {
    const { filters, ignored } = parse('music piano');
    expect(filters.service?.name).toBe('Piano');
    expect(filters.categorySlug).toBe('music');
    expect(ignored).toEqual([]);
  });

  it.each([
    ['for kids', 'KIDS'],
    ['for my child', 'KIDS'],
    ['children', 'KIDS'],
    ['for my 12-year-old', 'KIDS'],
    ['for my 13 year old', 'TEENS'],
    ['teens', 'TEENS'],
    ['for my 17 yr old', 'TEENS'],
    ['for my 30 year old', 'ADULTS'],
    ['adult beginners', 'ADULTS'],
    ['age 9', 'KIDS'],
    ['drums for my 5yo', 'KIDS'],
  ])('"%s" is the age group %s', (text, group) => {
    expect(parse(text).filters.ageGroup).toBe(group);
  });

  it.each([
    ['under $50', null, 5000],
    ['below 60 dollars', null, 6000],
    ['at most $70', null, 7000],
    ['less than $45.50 per hour', null, 4550],
    ['$40-$60', 4000, 6000],
    ['$40 to $60', 4000, 6000],
    ['40-60 dollars', 4000, 6000],
    ['between $40 and $60', 4000, 6000],
    ['over $30', 3000, null],
    ['at least 25 dollars', 2500, null],
    ['$50 or less', null, 5000],
    ['over $30 and under $80', 3000, 8000],
  ])('"%s" is a price from %s to %s cents', (text, min, max) => {
    const { filters, ignored } = parse(text);
    expect([filters.priceMinMinor, filters.priceMaxMinor, filters.currency]).toEqual([min, max, 'USD']);
    expect(ignored).toEqual([]);
  });

  it('reads "under 50" without a currency as dollars: a direction word before a number is a price', () => {
    const { filters, understood } = parse('piano under 50');
    expect(filters.priceMaxMinor).toBe(5000);
    expect(understood).toContainEqual({ phrase: 'under 50', kind: 'PRICE_MAX', value: '5000' });
  });

  it.each([
    ['near 11201', '11201'],
    ['in 10003', '10003'],
    ['zip 94110', '94110'],
  ])('"%s" is the ZIP %s', (text, zip) => {
    expect(parse(text).filters.postalCode).toBe(zip);
  });

  it.each([
    ['on saturdays', ['SATURDAY']],
    ['weekends', ['SATURDAY', 'SUNDAY']],
    ['weekday evenings', ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY']],
    ['wednesdays and mondays', ['MONDAY', 'WEDNESDAY']],
  ])('"%s" is the days %j', (text, days) => {
    expect(parse(text).filters.daysOfWeek).toEqual(days);
  });

  it.each([
    ['mornings', 'MORNING'],
    ['in the afternoon', 'AFTERNOON'],
    ['weekday evenings', 'EVENING'],
  ])('"%s" is the time of day %s', (text, time) => {
    expect(parse(text).filters.timeOfDay).toBe(time);
  });

  it.each([
    ['online', ['ONLINE']],
    ['virtual lessons', ['ONLINE']],
    ['at my home', ['AT_STUDENT_PLACE']],
    ['at a studio', ['AT_STUDIO']],
    ['in person', ['AT_STUDIO', 'AT_STUDENT_PLACE']],
    ['in-person or online', ['AT_STUDIO', 'AT_STUDENT_PLACE', 'ONLINE']],
  ])('"%s" is the lesson modes %j', (text, modes) => {
    expect([...parse(text).filters.lessonModes].sort()).toEqual([...modes].sort());
  });

  it('is not confused by case, punctuation and extra spaces', () => {
    const { filters } = parse('  GUITAR,   Near 11201;  UNDER $50!  ');
    expect(filters.service?.name).toBe('Guitar');
    expect(filters.postalCode).toBe('11201');
    expect(filters.priceMaxMinor).toBe(5000);
  });
});

describe('parseSearchQuery: what it refuses to guess', () => {
  it('ignores both services of "piano or guitar" and sets no service filter', () => {
    const { filters, ignored, understood } = parse('piano or guitar');
    expect(filters.service).toBeNull();
    expect(filters.categorySlug).toBeNull();
    expect(ignored).toEqual(['piano', 'guitar']);
    expect(understood).toEqual([]);
  });

  it('ignores a service and a category that disagree', () => {
    const { filters, ignored } = parse('dance guitar');
    expect(filters.service).toBeNull();
    expect(filters.categorySlug).toBeNull();
    expect(ignored).toEqual(['dance', 'guitar']);
  });

  it('ignores a synonym shared by two services', () => {
    const { filters, ignored } = parse('composition');
    expect(filters.service).toBeNull();
    expect(ignored).toEqual(['composition']);
  });

  it.each(['$50', 'piano $50', '50 dollars'])('ignores a price without a direction: "%s"', (text) => {
    const { filters, ignored } = parse(text);
    expect([filters.priceMinMinor, filters.priceMaxMinor, filters.currency]).toEqual([null, null, null]);
    expect(ignored.join(' ')).toMatch(/50/);
  });

  it.each(['near 1120', 'near 112011', 'in 123'])('ignores a number that is not a 5-digit ZIP: "%s"', (text) => {
    const { filters, ignored } = parse(text);
    expect(filters.postalCode).toBeNull();
    expect(ignored).toEqual([text]);
  });

  it('does not read a bare 5-digit number as a ZIP', () => {
    expect(parse('piano 11201').filters.postalCode).toBeNull();
  });

  it('ignores two different ZIPs', () => {
    const { filters, ignored } = parse('near 11201 or near 10003');
    expect(filters.postalCode).toBeNull();
    expect(ignored).toEqual(['near 11201', 'near 10003']);
  });

  it('ignores contradictory age groups', () => {
    const { filters, ignored } = parse('for kids and adults');
    expect(filters.ageGroup).toBeNull();
    expect(ignored).toEqual(['kids', 'adults']);
  });

  it('reads "kids under 10" as an age, not a price, and ignores the number', () => {
    const { filters, ignored } = parse('piano for kids under 10');
    expect(filters.ageGroup).toBe('KIDS');
    expect(filters.priceMaxMinor).toBeNull();
    expect(ignored).toEqual(['under 10']);
  });

  it('ignores "under 10 years"', () => {
    const { filters, ignored } = parse('under 10 years');
    expect(filters.priceMaxMinor).toBeNull();
    expect(ignored).toEqual(['under 10 years']);
  });

  it('ignores an inverted price range', () => {
    const { filters, ignored } = parse('$60-$40');
    expect(filters.priceMinMinor).toBeNull();
    expect(filters.priceMaxMinor).toBeNull();
    expect(ignored).toEqual(['$60-$40']);
  });

  it('ignores a floor above the ceiling', () => {
    const { filters, ignored } = parse('over $80 under $40');
    expect([filters.priceMinMinor, filters.priceMaxMinor, filters.currency]).toEqual([null, null, null]);
    expect(ignored).toEqual(['over $80', 'under $40']);
  });

  it('ignores an absurd price and a non-dollar currency', () => {
    expect(parse('under $1000000').filters.priceMaxMinor).toBeNull();
    expect(parse('under €50').filters.priceMaxMinor).toBeNull();
  });

  it('ignores an impossible age', () => {
    const { filters, ignored } = parse('for my 200 year old');
    expect(filters.ageGroup).toBeNull();
    expect(ignored).toEqual(['200 year old']);
  });

  it('ignores two different times of day', () => {
    const { filters, ignored } = parse('mornings or evenings');
    expect(filters.timeOfDay).toBeNull();
    expect(ignored).toEqual(['mornings', 'evenings']);
  });

  it('ignores nonsense words and keeps what it understood', () => {
    const { filters, ignored } = parse('blorp piano zzkx qwerty');
    expect(filters.service?.name).toBe('Piano');
    expect(ignored).toEqual(['blorp', 'zzkx qwerty']);
  });

  it('does not treat the virtual Kids category as a category filter', () => {
    const { filters } = parse('kids');
    expect(filters.categorySlug).toBeNull();
    expect(filters.ageGroup).toBe('KIDS');
  });

  it.each(['', '   ', '\n\t'])('refuses empty text %j with EMPTY_SEARCH_TEXT', (text) => {
    expect(() => parse(text)).toThrow(expect.objectContaining({ code: CatalogErrorCode.EmptySearchText }));
  });

  it('refuses text over 200 characters with SEARCH_TEXT_TOO_LONG, and accepts exactly 200', () => {
    const error = (() => {
      try {
        parse('a'.repeat(201));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).code).toBe(CatalogErrorCode.SearchTextTooLong);
    expect((error as CatalogError).apiCode).toBe('BAD_USER_INPUT');
    expect(() => parse(`piano ${'x'.repeat(194)}`)).not.toThrow();
  });
});
