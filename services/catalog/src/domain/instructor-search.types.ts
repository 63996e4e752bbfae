import type { RatingTotals } from './instructor-ratings.types';
import type { AgeGroup, LessonMode, ParsedSearch, SearchFilters } from './search-query-parser.rules';

/** A point on the map (WGS 84 degrees). */
export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** The explicit filters of searchInstructors; each replaces what the text said about the same thing. */
export interface ExplicitSearchFilters {
  categorySlug?: string | null;
  service?: string | null;
  ageGroup?: AgeGroup | null;
  priceMinMinor?: number | null;
  priceMaxMinor?: number | null;
  lessonModes?: LessonMode[] | null;
  near?: GeoPoint | null;
  postalCode?: string | null;
  withinMiles?: number | null;
}

export interface SearchInstructorsRequest {
  text?: string | null;
  filters?: ExplicitSearchFilters | null;
  /** The order asked for; without one, relevance with searched words, distance with a place, else name. */
  orderBy?: SearchOrder | null;
  first?: number | null;
  after?: string | null;
}

/** One searched word: it matches an instructor through a service they offer, their name or their bio. */
export interface SearchWord {
  word: string;
  /** Services the word stands for (empty when it is no catalog word). */
  serviceIds: string[];
  /** The word is a misspelt or unfinished catalog word, so a service match counts for less. */
  corrected: boolean;
}

/** What the read model is asked: everything already validated and resolved. */
export interface SearchPlan {
  /** Offered services must be one of these; null for any. */
  serviceIds: string[] | null;
  /** Offered services must include all of these (the read model's words: kids, teens, adults). */
  ageGroups: string[];
  priceMinMinor: number | null;
  priceMaxMinor: number | null;
  /** Offered services must have one of these (at_studio, at_student_place, online); empty for any. */
  lessonModes: string[];
  place: { centre: GeoPoint; radiusMeters: number } | null;
  words: SearchWord[];
  ranking: SearchRanking;
}

/**
 * What results are ranked by before their name and id, in this order: the searched words' score
 * (highest first), the Bayesian rating (highest first, instructors without reviews last), the
 * distance (nearest first). What an order does not rank by takes no part.
 */
export interface SearchRanking {
  relevance: boolean;
  /** The prior of every instructor's Bayesian rating; null when the order does not rank by rating. */
  rating: { platformMean: number; priorWeight: number } | null;
  /** Needs a place. */
  distance: boolean;
}

/** The sort key of a result; cursors carry it so the next page starts exactly after it. */
export interface SearchKey {
  /** Higher is better; 0 unless the order ranks by relevance. */
  score: number;
  /** The Bayesian rating in millionths (RATING_KEY_SCALE), higher is better; 0 without reviews or unless the order ranks by rating. */
  ratingKey: number;
  /** Whole metres from the place, NO_DISTANCE for a result without a location; 0 unless the order ranks by distance. */
  distanceKey: number;
  displayName: string;
  instructorId: string;
}

/** Where the next page of a search starts, and the platform totals its ratings were ranked with (null unless it ranks by rating). */
export interface SearchCursor {
  key: SearchKey;
  ratingTotals: RatingTotals | null;
}

export interface SearchHit extends SearchKey {
  distanceMeters: number | null;
}

export type SearchOrder = 'RELEVANCE' | 'DISTANCE' | 'NAME' | 'RATING';

export interface InstructorSearchPage {
  edges: { cursor: string; node: { id: string }; distanceMiles: number | null }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  parsed: ParsedSearch | null;
  appliedFilters: SearchFilters;
  area: { latitude: number; longitude: number; withinMiles: number; postalCode: string | null } | null;
  searchedWords: string[];
  corrections: { word: string; suggestions: string[] }[];
  orderedBy: SearchOrder;
}
