import { ReviewEventType, type EventPayload, type NewEvent } from '@instainstru/events';
import type { Review } from './review.types';

type ReviewFact = (typeof ReviewEventType)[keyof typeof ReviewEventType];

/** A fact about a review after a change: its whole state and version. */
export function reviewFact(type: ReviewFact, review: Review, at: Date): NewEvent<EventPayload<ReviewFact>> {
  return {
    type,
    aggregateId: review.id,
    occurredAt: at,
    payload: {
      reviewId: review.id,
      bookingId: review.bookingId,
      instructorId: review.instructorId,
      serviceId: review.serviceId,
      studentUserId: review.studentUserId,
      rating: review.rating,
      text: review.text,
      visible: review.visible,
      response: review.response,
      version: review.version,
      publishedAt: review.createdAt,
      occurredAt: at.toISOString(),
    },
  };
}
