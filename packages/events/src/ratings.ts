/**
 * How an instructor's reviews become one rating that ranks fairly, shared by the reviews service
 * (Instructor.rating) and the catalog (search by rating): a Bayesian average that starts every
 * instructor at the platform's mean rating, as if they had `RATING_PRIOR_WEIGHT` reviews of that
 * mean, and moves towards their own average as their reviews add up. One 5-star review lands near
 * the platform mean; fifty 4.9s land near 4.9 — so the fifty rank first.
 */

/** How many reviews of the platform's mean rating every instructor starts with (the prior's weight). */
export const RATING_PRIOR_WEIGHT = 5;

/** The prior when the platform has no visible review at all. */
export const DEFAULT_PLATFORM_MEAN = 4;

/** The platform's mean rating from the sum and count of every visible review (DEFAULT_PLATFORM_MEAN without any). */
export function platformMean(ratingSum: number, reviewCount: number): number {
  return reviewCount > 0 ? ratingSum / reviewCount : DEFAULT_PLATFORM_MEAN;
}

/** (prior weight × platform mean + sum of ratings) / (prior weight + count); null without a review. */
export function bayesianRating(ratingSum: number, reviewCount: number, mean: number, priorWeight = RATING_PRIOR_WEIGHT): number | null {
  if (reviewCount <= 0) return null;
  return (priorWeight * mean + ratingSum) / (priorWeight + reviewCount);
}
