import type { RatingAdjustment, ReviewRating } from './instructor-ratings.types';

/**
 * Writes of the read model of reviews, inside the consumer's transaction (the one recording the
 * event in the inbox), as for the read model of instructors.
 */
export interface InstructorRatingsUnitOfWork {
  /**
   * Keeps the review's state unless the kept version is the same or newer (null then, and nothing
   * changed); otherwise answers the state it replaced, `previous: null` for a review seen for the
   * first time. Concurrent events of one review wait for each other.
   */
  storeIfNewer(review: ReviewRating): Promise<{ previous: ReviewRating | null } | null>;
  /** Adds the adjustments to their instructors' aggregates and to the platform's totals. */
  adjustAggregates(adjustments: readonly RatingAdjustment[]): Promise<void>;
}
