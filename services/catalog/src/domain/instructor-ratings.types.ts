import type { EventPayload, ReviewEventTypeName } from '@instainstru/events';

/** A review event's payload: the review's whole state and its version (any of the review events). */
export type ReviewState = EventPayload<ReviewEventTypeName>;

/** What the catalog keeps of a review: what counting it in its instructor's rating needs. */
export interface ReviewRating {
  reviewId: string;
  instructorId: string;
  serviceId: string;
  /** 1–5 stars. */
  rating: number;
  /** False while hidden by moderation: then it counts nowhere. */
  visible: boolean;
  /** Grows by one with every change of the review. */
  version: number;
}

/** A change of one instructor's aggregate of visible reviews (either part may be negative). */
export interface RatingAdjustment {
  instructorId: string;
  reviewCount: number;
  ratingSum: number;
}

/** The count and the sum of ratings of every visible review on the platform; their quotient is the platform's mean. */
export interface RatingTotals {
  reviewCount: number;
  ratingSum: number;
}
