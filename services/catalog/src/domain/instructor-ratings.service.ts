import type { InstructorRatingsUnitOfWork } from './instructor-ratings.ports';
import { ratingAdjustments } from './instructor-ratings.rules';
import type { ReviewRating, ReviewState } from './instructor-ratings.types';

/** What the catalog keeps of a review event's state. */
export function reviewRatingOf(state: ReviewState): ReviewRating {
  return {
    reviewId: state.reviewId,
    instructorId: state.instructorId,
    serviceId: state.serviceId,
    rating: state.rating,
    visible: state.visible,
    version: state.version,
  };
}

/**
 * Applies one review event: its state replaces the kept one only when its version is newer, and
 * the instructor's aggregate moves by the difference between the two states. A redelivered or
 * late (older) event therefore changes nothing, and the aggregates stay exact in any order.
 */
export async function applyReviewState(work: InstructorRatingsUnitOfWork, state: ReviewState): Promise<boolean> {
  const next = reviewRatingOf(state);
  const stored = await work.storeIfNewer(next);
  if (!stored) return false;
  const adjustments = ratingAdjustments(stored.previous, next);
  if (adjustments.length > 0) await work.adjustAggregates(adjustments);
  return true;
}
