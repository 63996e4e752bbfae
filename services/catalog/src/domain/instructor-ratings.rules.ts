import type { RatingAdjustment, ReviewRating } from './instructor-ratings.types';

/** What one review adds to its instructor's aggregate: nothing while hidden. */
function contributionOf(review: ReviewRating | null): RatingAdjustment | null {
  return review?.visible ? { instructorId: review.instructorId, reviewCount: 1, ratingSum: review.rating } : null;
}

/**
 * How the aggregates change when a review goes from `previous` (null: not known before) to `next`:
 * the previous state's contribution is taken away and the next one's added, so a hidden review
 * leaves its instructor's count and sum, a restored one comes back, and an edited rating moves the
 * sum by the difference. Instructors whose aggregate does not change are left out.
 */
export function ratingAdjustments(previous: ReviewRating | null, next: ReviewRating): RatingAdjustment[] {
  const byInstructor = new Map<string, RatingAdjustment>();
  const add = (contribution: RatingAdjustment | null, sign: 1 | -1) => {
    if (!contribution) return;
    const current = byInstructor.get(contribution.instructorId) ?? { instructorId: contribution.instructorId, reviewCount: 0, ratingSum: 0 };
    byInstructor.set(contribution.instructorId, {
      instructorId: contribution.instructorId,
      reviewCount: current.reviewCount + sign * contribution.reviewCount,
      ratingSum: current.ratingSum + sign * contribution.ratingSum,
    });
  };
  add(contributionOf(previous), -1);
  add(contributionOf(next), 1);
  return [...byInstructor.values()].filter((a) => a.reviewCount !== 0 || a.ratingSum !== 0);
}
