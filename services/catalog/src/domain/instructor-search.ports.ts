import type { RatingTotals } from './instructor-ratings.types';
import type { GeoPoint, SearchHit, SearchKey, SearchPlan } from './instructor-search.types';

export interface InstructorSearchRepository {
  /** Live instructors matching the plan in (score desc, rating desc, distance, name, id) order, after `after`. */
  search(plan: SearchPlan, after: SearchKey | null, limit: number): Promise<SearchHit[]>;
  /** The count and sum of ratings of every visible review, as the catalog last learnt them. */
  ratingTotals(): Promise<RatingTotals>;
}

/** Centres of US ZIP codes (the dataset the instructor service geocodes with). */
export interface PostalCodeLocator {
  centreOf(postalCode: string): GeoPoint | null;
}
