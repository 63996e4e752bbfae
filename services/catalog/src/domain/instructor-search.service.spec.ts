import { CATALOG_SEED, slugify } from '../infra/seed/catalog-seed-data';
import { CatalogError } from './catalog.errors';
import type { CatalogService, Category } from './catalog.types';
import { decodeSearchCursor, encodeSearchCursor, searchFingerprint, searchedWordsOf, searchOrderOf, searchRankingOf, validateExplicitFilters } from './instructor-search.service';
import type { ExplicitSearchFilters } from './instructor-search.types';
import { parseSearchQuery, type SearchVocabulary } from './search-query-parser.rules';

function seededVocabulary(): SearchVocabulary {
  const categories: Category[] = [];
  const services: CatalogService[] = [];
  for (const seed of CATALOG_SEED) {
    const category: Category = { id: `cat-${seed.slug}`, slug: seed.slug, name: seed.name, subtitle: null, iconName: seed.iconName, displayOrder: seed.displayOrder, isVirtual: seed.isVirtual ?? false };
    categories.push(category);
    for (const entry of seed.services) {
      const [name, synonyms = ''] = entry.split('|');
      services.push({ id: `svc-${slugify(name!)}`, slug: slugify(name!), name: name!, categoryId: category.id, synonyms: synonyms.split(',').map((s) => s.trim()).filter(Boolean) });
    }
  }
  return { categories, services };
}

const vocabulary = seededVocabulary();
const reasonOf = (work: () => unknown): string | undefined => {
  try {
    work();
  } catch (error) {
    if (error instanceof CatalogError) return error.code;
    throw error;
  }
  return undefined;
};

describe('search cursors', () => {
  const key = { score: 150, ratingKey: 4_512_345, distanceKey: 1234, displayName: 'Ana Lindqvist', instructorId: '3f2b8c1e-5d4a-4b6c-9e8f-0a1b2c3d4e5f' };
  const totals = { reviewCount: 120, ratingSum: 531 };
  const fingerprint = searchFingerprint({ text: 'pinao', filters: { postalCode: '11201' } });

  it('round-trips the sort key of its own search, with the rating totals it ranked over or none', () => {
    expect(decodeSearchCursor(encodeSearchCursor(fingerprint, key, totals), fingerprint)).toEqual({ key, ratingTotals: totals });
    expect(decodeSearchCursor(encodeSearchCursor(fingerprint, key, null), fingerprint)).toEqual({ key, ratingTotals: null });
  });

  it('does not depend on the page size, the cursor or surrounding spaces in the text', () => {
    expect(searchFingerprint({ text: ' pinao ', filters: { postalCode: '11201' }, first: 3, after: 'x' })).toBe(fingerprint);
  });

  it('belongs to one order: the same search in another order does not take it', () => {
    const byRating = searchFingerprint({ text: 'pinao', filters: { postalCode: '11201' }, orderBy: 'RATING' });
    expect(byRating).not.toBe(fingerprint);
    expect(reasonOf(() => decodeSearchCursor(encodeSearchCursor(byRating, key, totals), fingerprint))).toBe('INVALID_CURSOR');
  });

  it.each([
    ['another search', () => decodeSearchCursor(encodeSearchCursor(searchFingerprint({ text: 'gitar' }), key, null), fingerprint)],
    ['a negative score', () => decodeSearchCursor(encodeSearchCursor(fingerprint, { ...key, score: -1 }, null), fingerprint)],
    ['a fractional distance', () => decodeSearchCursor(encodeSearchCursor(fingerprint, { ...key, distanceKey: 1.5 }, null), fingerprint)],
    ['a rating above five stars', () => decodeSearchCursor(encodeSearchCursor(fingerprint, { ...key, ratingKey: 5_000_001 }, totals), fingerprint)],
    ['totals averaging above five stars', () => decodeSearchCursor(encodeSearchCursor(fingerprint, key, { reviewCount: 2, ratingSum: 11 }), fingerprint)],
    ['negative totals', () => decodeSearchCursor(encodeSearchCursor(fingerprint, key, { reviewCount: -1, ratingSum: 0 }), fingerprint)],
    ['garbage', () => decodeSearchCursor('%%%', fingerprint)],
    ['an oversized cursor', () => decodeSearchCursor('a'.repeat(5000), fingerprint)],
  ])('refuses %s as INVALID_CURSOR', (_, work) => {
    expect(reasonOf(work)).toBe('INVALID_CURSOR');
  });
});

describe('search orders', () => {
  it.each<[Parameters<typeof searchOrderOf>, string]>([
    [[null, true, true], 'RELEVANCE'],
    [[null, false, true], 'DISTANCE'],
    [[null, false, false], 'NAME'],
    [['RATING', true, true], 'RATING'],
    [['RATING', false, false], 'RATING'],
    [['NAME', true, true], 'NAME'],
    [['DISTANCE', true, true], 'DISTANCE'],
    [['DISTANCE', true, false], 'RELEVANCE'],
    [['DISTANCE', false, false], 'NAME'],
    [['RELEVANCE', false, true], 'DISTANCE'],
  ])('asked %j → %s', (args, order) => {
    expect(searchOrderOf(...args)).toBe(order);
  });

  it('relevance ranks equal scores by rating before distance; rating ranks by rating alone; the prior is the platform mean', () => {
    const totals = { reviewCount: 4, ratingSum: 18 };
    expect(searchRankingOf('RELEVANCE', totals)).toEqual({ relevance: true, rating: { platformMean: 4.5, priorWeight: 5 }, distance: true });
    expect(searchRankingOf('RATING', totals)).toEqual({ relevance: false, rating: { platformMean: 4.5, priorWeight: 5 }, distance: false });
    expect(searchRankingOf('DISTANCE', null)).toEqual({ relevance: false, rating: null, distance: true });
    expect(searchRankingOf('NAME', null)).toEqual({ relevance: false, rating: null, distance: false });
    // Without any visible review on the platform, ratings start from the default mean.
    expect(searchRankingOf('RATING', { reviewCount: 0, ratingSum: 0 }).rating).toEqual({ platformMean: 4, priorWeight: 5 });
  });
});

describe('explicit filter checks', () => {
  it.each<[ExplicitSearchFilters, string | undefined]>([
    [{ priceMinMinor: 0, priceMaxMinor: 0 }, undefined],
    [{ priceMinMinor: -1 }, 'INVALID_PRICE_RANGE'],
    [{ priceMinMinor: 10, priceMaxMinor: 9 }, 'INVALID_PRICE_RANGE'],
    [{ near: { latitude: 0, longitude: 181 } }, 'INVALID_LOCATION'],
    [{ near: { latitude: 40, longitude: -73 }, postalCode: '11201' }, 'CONFLICTING_PLACE'],
    [{ postalCode: '1120A' }, 'INVALID_POSTAL_CODE'],
    [{ postalCode: '11201', withinMiles: 100 }, undefined],
    [{ postalCode: '11201', withinMiles: 100.5 }, 'INVALID_DISTANCE'],
    [{ postalCode: '11201', withinMiles: -1 }, 'INVALID_DISTANCE'],
    [{ categorySlug: 'Music!' }, 'INVALID_SLUG'],
    [{ service: 'x'.repeat(65) }, 'UNKNOWN_SERVICE'],
  ])('%j → %s', (filters, reason) => {
    expect(reasonOf(() => validateExplicitFilters(filters))).toBe(reason);
  });
});

describe('searched words', () => {
  const wordsOf = (text: string) => searchedWordsOf(parseSearchQuery(text, vocabulary), vocabulary);

  it('are the words the text did not understand', () => {
    expect(wordsOf('pinao for kids near 11201')).toEqual(['pinao']);
    expect(wordsOf('Marguerite Okafor spanish')).toEqual(['marguerite', 'okafor']);
  });

  it('leave out malformed prices and ZIP codes, and filter words used in contradiction', () => {
    expect(wordsOf('piano near 1234 under $0')).toEqual([]);
    expect(wordsOf('piano guitar')).toEqual([]);
    expect(wordsOf('kids adults jazz')).toEqual(['jazz']);
  });

  it('are at most 10', () => {
    expect(wordsOf('alpha bravo charlie delta echo foxtrot golfing hotel india juliet kilo lima')).toHaveLength(10);
  });
});
