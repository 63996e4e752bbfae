import { createHash } from 'node:crypto';
import { platformMean, RATING_PRIOR_WEIGHT } from '@instainstru/events';
import { decodeOpaqueCursor, encodeOpaqueCursor, isUuid } from '@instainstru/platform';
import { CatalogError, CatalogErrorCode } from './catalog.errors';
import type { CatalogRepository } from './catalog.ports';
import type { CatalogService, Category } from './catalog.types';
import { pageSize } from './instructor-offerings.service';
import type { RatingTotals } from './instructor-ratings.types';
import type { InstructorSearchRepository, PostalCodeLocator } from './instructor-search.ports';
import type {
  ExplicitSearchFilters,
  GeoPoint,
  InstructorSearchPage,
  SearchCursor,
  SearchInstructorsRequest,
  SearchKey,
  SearchOrder,
  SearchPlan,
  SearchRanking,
  SearchWord,
} from './instructor-search.types';
import { MAX_SEARCH_TEXT_LENGTH, parseSearchQuery, type ParsedSearch, type SearchFilters, type SearchVocabulary } from './search-query-parser.rules';
import { ServiceVocabulary } from './service-vocabulary.rules';

export const DEFAULT_WITHIN_MILES = 10;
export const MAX_WITHIN_MILES = 100;
export const MAX_SEARCHED_WORDS = 10;
const METERS_PER_MILE = 1609.344;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ZIP = /^\d{5}$/;
/** The distance key of a result without a location (online lessons in a search by place): last. */
export const NO_DISTANCE = 2_147_483_647;
/** Rating keys are the Bayesian rating in millionths, so the keyset stays integers (ratings closer than that tie, then go by name). */
export const RATING_KEY_SCALE = 1_000_000;
const MAX_RATING_KEY = 5 * RATING_KEY_SCALE;

const bad = (code: CatalogErrorCode, message: string, details: Record<string, unknown> = {}) => new CatalogError(code, message, details);

/** A short digest of the request's search (not its paging), so a cursor only continues its own search. */
export function searchFingerprint(request: SearchInstructorsRequest): string {
  const f = request.filters ?? {};
  const canonical = [
    request.text?.trim() ?? '',
    f.categorySlug ?? null,
    f.service ?? null,
    f.ageGroup ?? null,
    f.priceMinMinor ?? null,
    f.priceMaxMinor ?? null,
    [...new Set(f.lessonModes ?? [])].sort(),
    f.near ? [f.near.latitude, f.near.longitude] : null,
    f.postalCode ?? null,
    f.withinMiles ?? null,
    request.orderBy ?? null,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 12);
}

export function encodeSearchCursor(fingerprint: string, key: SearchKey, ratingTotals: RatingTotals | null): string {
  const totals = ratingTotals && [ratingTotals.reviewCount, ratingTotals.ratingSum];
  return encodeOpaqueCursor([fingerprint, key.score, key.ratingKey, key.distanceKey, key.displayName, key.instructorId, totals]);
}

/** A cursor this search handed out, or BAD_USER_INPUT; never trusted beyond its shape. */
export function decodeSearchCursor(cursor: string, fingerprint: string): SearchCursor {
  const invalid = () => bad(CatalogErrorCode.InvalidCursor, 'The cursor is not one this search returned');
  if (cursor.length > 1200) throw invalid();
  const parsed = decodeOpaqueCursor(cursor);
  if (!Array.isArray(parsed) || parsed.length !== 7) throw invalid();
  const [fp, score, ratingKey, distanceKey, displayName, instructorId, totals] = parsed as unknown[];
  const isInt = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
  if (fp !== fingerprint || !isInt(score, 1_000_000) || !isInt(ratingKey, MAX_RATING_KEY) || !isInt(distanceKey, NO_DISTANCE)) throw invalid();
  if (typeof displayName !== 'string' || displayName.length > 200 || typeof instructorId !== 'string' || !isUuid(instructorId)) throw invalid();
  let ratingTotals: RatingTotals | null = null;
  if (totals !== null) {
    if (!Array.isArray(totals) || totals.length !== 2) throw invalid();
    const [reviewCount, ratingSum] = totals as unknown[];
    if (!isInt(reviewCount, Number.MAX_SAFE_INTEGER) || !isInt(ratingSum, Number.MAX_SAFE_INTEGER) || ratingSum < reviewCount || ratingSum > 5 * reviewCount) throw invalid();
    ratingTotals = { reviewCount, ratingSum };
  }
  return { key: { score, ratingKey, distanceKey, displayName, instructorId }, ratingTotals };
}

/**
 * The order a search is given: the one asked for, unless it needs what the search lacks (searched
 * words for RELEVANCE, a place for DISTANCE); then, as without one, relevance with searched words,
 * distance with a place, else name.
 */
export function searchOrderOf(asked: SearchOrder | null | undefined, hasWords: boolean, hasPlace: boolean): SearchOrder {
  if (asked === 'RATING' || asked === 'NAME' || (asked === 'RELEVANCE' && hasWords) || (asked === 'DISTANCE' && hasPlace)) return asked;
  return hasWords ? 'RELEVANCE' : hasPlace ? 'DISTANCE' : 'NAME';
}

/** The orders that rank by the Bayesian rating: RATING, and RELEVANCE between equal scores. */
export const ranksByRating = (order: SearchOrder): boolean => order === 'RELEVANCE' || order === 'RATING';

/**
 * What an order ranks by before name and id. RELEVANCE: the words' score, equal scores by the
 * Bayesian rating, then distance (with a place); RATING: the Bayesian rating alone; DISTANCE:
 * distance; NAME: nothing. `ratingTotals` (given exactly when the order ranks by rating) make the
 * platform mean every rating starts from.
 */
export function searchRankingOf(order: SearchOrder, ratingTotals: RatingTotals | null): SearchRanking {
  return {
    relevance: order === 'RELEVANCE',
    rating: ratingTotals && { platformMean: platformMean(ratingTotals.ratingSum, ratingTotals.reviewCount), priorWeight: RATING_PRIOR_WEIGHT },
    distance: order === 'RELEVANCE' || order === 'DISTANCE',
  };
}

/** The explicit filters' checks that need no data; BAD_USER_INPUT before any query. */
export function validateExplicitFilters(f: ExplicitSearchFilters): void {
  const { priceMinMinor: min, priceMaxMinor: max } = f;
  if ((min != null && min < 0) || (max != null && max < 0) || (min != null && max != null && min > max)) {
    throw bad(CatalogErrorCode.InvalidPriceRange, 'Prices must not be negative and the minimum must not exceed the maximum', { priceMinMinor: min ?? null, priceMaxMinor: max ?? null });
  }
  if (f.near) {
    const { latitude, longitude } = f.near;
    if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      throw bad(CatalogErrorCode.InvalidLocation, 'Latitude must be within ±90 and longitude within ±180', { latitude, longitude });
    }
  }
  if (f.near && f.postalCode != null) throw bad(CatalogErrorCode.ConflictingPlace, 'Search near a point or a ZIP code, not both');
  if (f.postalCode != null && !ZIP.test(f.postalCode)) {
    throw bad(CatalogErrorCode.InvalidPostalCode, 'A ZIP code is 5 digits', { postalCode: f.postalCode.slice(0, 16) });
  }
  if (f.withinMiles != null && (!Number.isFinite(f.withinMiles) || f.withinMiles <= 0 || f.withinMiles > MAX_WITHIN_MILES)) {
    throw bad(CatalogErrorCode.InvalidDistance, `withinMiles must be more than 0 and at most ${MAX_WITHIN_MILES}`, { withinMiles: f.withinMiles, max: MAX_WITHIN_MILES });
  }
  if (f.categorySlug != null && (f.categorySlug.length > 64 || !SLUG.test(f.categorySlug))) {
    throw bad(CatalogErrorCode.InvalidSlug, 'Not a valid category slug', { slug: f.categorySlug.slice(0, 64) });
  }
  if (f.service != null && f.service.length > 64) throw bad(CatalogErrorCode.UnknownService, 'No such service', { service: f.service.slice(0, 64) });
}

/** The text's phrases it did not understand become searched words: letters only, no filter words. */
export function searchedWordsOf(parsed: ParsedSearch, vocabulary: SearchVocabulary): string[] {
  const words: string[] = [];
  for (const phrase of parsed.ignored) {
    // Malformed prices, ZIP codes and ages ("under $0", "near 123") are no words to search for.
    if (/[0-9$€£]/.test(phrase)) continue;
    for (const word of phrase.toLowerCase().split(/[^a-z]+/)) {
      if (word.length < 2 || words.includes(word)) continue;
      // A filter word ignored as ambiguous or contradictory ("piano guitar") stays ignored.
      if (parseSearchQuery(word, vocabulary).understood.length > 0) continue;
      words.push(word);
    }
  }
  return words.slice(0, MAX_SEARCHED_WORDS);
}

interface Catalog extends SearchVocabulary {
  vocabulary: ServiceVocabulary;
}

/** Search of live instructors over the catalog's read models: text, typos, filters, distance and rating. */
export class InstructorSearch {
  constructor(
    private readonly repository: CatalogRepository,
    private readonly instructors: InstructorSearchRepository,
    private readonly postalCodes: PostalCodeLocator,
  ) {}

  async search(request: SearchInstructorsRequest): Promise<InstructorSearchPage> {
    // Everything checkable without data is checked before any query.
    const limit = pageSize(request.first);
    const explicit = request.filters ?? {};
    const rawText = request.text ?? '';
    if (rawText.length > MAX_SEARCH_TEXT_LENGTH) {
      throw bad(CatalogErrorCode.SearchTextTooLong, `The search text is longer than ${MAX_SEARCH_TEXT_LENGTH} characters`, { maxLength: MAX_SEARCH_TEXT_LENGTH, length: rawText.length });
    }
    validateExplicitFilters(explicit);
    const fingerprint = searchFingerprint(request);
    const after = request.after == null ? null : decodeSearchCursor(request.after, fingerprint);

    const catalog = await this.loadCatalog();
    const parsed = rawText.trim() ? parseSearchQuery(rawText, catalog) : null;
    const applied = this.applyFilters(explicit, parsed?.filters ?? null, catalog);
    const place = this.placeOf(explicit, applied.postalCode);

    const words = parsed ? searchedWordsOf(parsed, catalog) : [];
    const searchWords: SearchWord[] = words.map((word) => {
      const match = catalog.vocabulary.match(word);
      return { word, serviceIds: match?.serviceIds ?? [], corrected: match?.corrected ?? false };
    });
    const corrections = words.flatMap((word) => {
      const match = catalog.vocabulary.match(word);
      return match?.corrected ? [{ word, suggestions: match.suggestions }] : [];
    });

    const order = searchOrderOf(request.orderBy, searchWords.length > 0, place !== null);
    const ratingTotals = await this.ratingTotalsFor(order, after);
    const plan: SearchPlan = {
      ...this.offeringFilters(explicit, applied, catalog),
      place: place && { centre: place.centre, radiusMeters: place.withinMiles * METERS_PER_MILE },
      words: searchWords,
      ranking: searchRankingOf(order, ratingTotals),
    };
    const rows = await this.instructors.search(plan, after?.key ?? null, limit + 1);
    const edges = rows.slice(0, limit).map((hit) => ({
      cursor: encodeSearchCursor(fingerprint, hit, ratingTotals),
      node: { id: hit.instructorId },
      distanceMiles: hit.distanceMeters === null ? null : Math.round((hit.distanceMeters / METERS_PER_MILE) * 10) / 10,
    }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
      parsed,
      appliedFilters: applied,
      area: place && { ...place.centre, withinMiles: place.withinMiles, postalCode: place.postalCode },
      searchedWords: words,
      corrections,
      orderedBy: order,
    };
  }

  /**
   * The platform totals ratings are ranked with: read for a first page, then carried by the
   * cursor, so every page of one search ranks over the same prior while new reviews move it.
   */
  private async ratingTotalsFor(order: SearchOrder, after: SearchCursor | null): Promise<RatingTotals | null> {
    if (!ranksByRating(order)) return null;
    if (!after) return this.instructors.ratingTotals();
    if (!after.ratingTotals) throw bad(CatalogErrorCode.InvalidCursor, 'The cursor is not one this search returned');
    return after.ratingTotals;
  }

  private async loadCatalog(): Promise<Catalog> {
    const categories = await this.repository.listCategories();
    const services = await this.repository.listServicesOfCategories(categories.map((c) => c.id));
    return { categories, services, vocabulary: new ServiceVocabulary(services, categories) };
  }

  /**
   * Explicit filters replace what the text said about the same thing: service and category
   * together, the age group, both price bounds, the place, the lesson modes. Days and times are
   * echoed in `parsed` only: they are not applied.
   */
  private applyFilters(explicit: ExplicitSearchFilters, fromText: SearchFilters | null, catalog: Catalog): SearchFilters {
    let service: CatalogService | null = fromText?.service ?? null;
    let categorySlug: string | null = fromText?.categorySlug ?? null;
    if (explicit.service != null || explicit.categorySlug != null) {
      service = explicit.service != null ? resolveService(explicit.service, catalog.services) : null;
      const ownCategory = service && catalog.categories.find((c) => c.id === service!.categoryId);
      categorySlug = explicit.categorySlug != null ? resolveCategory(explicit.categorySlug, catalog.categories).slug : (ownCategory?.slug ?? null);
    }
    const explicitPrice = explicit.priceMinMinor != null || explicit.priceMaxMinor != null;
    const priceMinMinor = explicitPrice ? (explicit.priceMinMinor ?? null) : (fromText?.priceMinMinor ?? null);
    const priceMaxMinor = explicitPrice ? (explicit.priceMaxMinor ?? null) : (fromText?.priceMaxMinor ?? null);
    const explicitPlace = explicit.near != null || explicit.postalCode != null;
    const explicitModes = explicit.lessonModes?.length ? [...new Set(explicit.lessonModes)] : null;
    return {
      service,
      categorySlug,
      ageGroup: explicit.ageGroup ?? fromText?.ageGroup ?? null,
      priceMinMinor,
      priceMaxMinor,
      currency: priceMinMinor !== null || priceMaxMinor !== null ? 'USD' : null,
      postalCode: explicitPlace ? (explicit.postalCode ?? null) : (fromText?.postalCode ?? null),
      daysOfWeek: [],
      timeOfDay: null,
      lessonModes: explicitModes ?? fromText?.lessonModes ?? [],
    };
  }

  private placeOf(explicit: ExplicitSearchFilters, postalCode: string | null): { centre: GeoPoint; withinMiles: number; postalCode: string | null } | null {
    const withinMiles = explicit.withinMiles ?? DEFAULT_WITHIN_MILES;
    if (explicit.near) return { centre: { latitude: explicit.near.latitude, longitude: explicit.near.longitude }, withinMiles, postalCode: null };
    if (postalCode !== null) {
      const centre = this.postalCodes.centreOf(postalCode);
      if (!centre) throw bad(CatalogErrorCode.UnknownPostalCode, `No US ZIP code ${postalCode}`, { postalCode });
      return { centre, withinMiles, postalCode };
    }
    if (explicit.withinMiles != null) throw bad(CatalogErrorCode.DistanceWithoutPlace, 'withinMiles needs a place: near, postalCode or a ZIP code in the text');
    return null;
  }

  private offeringFilters(explicit: ExplicitSearchFilters, applied: SearchFilters, catalog: Catalog): Pick<SearchPlan, 'serviceIds' | 'ageGroups' | 'priceMinMinor' | 'priceMaxMinor' | 'lessonModes'> {
    const category = applied.categorySlug === null ? null : (catalog.categories.find((c) => c.slug === applied.categorySlug) ?? null);
    const ageGroups = new Set<string>();
    if (applied.ageGroup) ageGroups.add(applied.ageGroup.toLowerCase());
    // The virtual Kids category is context, not a list of services: offerings for kids.
    if (category?.isVirtual) ageGroups.add('kids');
    let serviceIds: string[] | null = null;
    if (category && !category.isVirtual) serviceIds = catalog.services.filter((s) => s.categoryId === category.id).map((s) => s.id);
    if (applied.service) {
      // An explicit service outside the explicit category matches nothing; never a guess between them.
      const inCategory = serviceIds === null || serviceIds.includes(applied.service.id) || explicit.categorySlug == null;
      serviceIds = inCategory ? [applied.service.id] : [];
    }
    return {
      serviceIds,
      ageGroups: [...ageGroups],
      priceMinMinor: applied.priceMinMinor,
      priceMaxMinor: applied.priceMaxMinor,
      lessonModes: applied.lessonModes.map((m) => m.toLowerCase()),
    };
  }
}

function resolveService(idOrSlug: string, services: readonly CatalogService[]): CatalogService {
  const service = services.find((s) => s.id === idOrSlug.toLowerCase() || s.slug === idOrSlug);
  if (!service) throw bad(CatalogErrorCode.UnknownService, `No service "${idOrSlug}"`, { service: idOrSlug });
  return service;
}

function resolveCategory(slug: string, categories: readonly Category[]): Category {
  const category = categories.find((c) => c.slug === slug);
  if (!category) throw bad(CatalogErrorCode.UnknownCategory, `No category "${slug}"`, { categorySlug: slug });
  return category;
}
