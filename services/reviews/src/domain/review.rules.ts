import { isPageSize, MAX_PAGE_SIZE } from '@instainstru/platform';
import { ReviewsError, ReviewsErrorCode } from './reviews.errors';
import type { Lesson, RatingCounts, Review } from './review.types';

/** The longest review or response text, in characters after trimming. */
export const MAX_TEXT_LENGTH = 2000;
/** The longest reason for a report or a moderation decision. */
export const MAX_REASON_LENGTH = 500;

// Control characters other than line breaks and tabs (C0, DEL, C1).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function requireRating(rating: number): number {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
    throw new ReviewsError(ReviewsErrorCode.InvalidRating, 'rating must be a whole number of stars from 1 to 5', { rating });
  }
  return rating;
}

/** A review's or response's text: trimmed (line breaks kept, \r\n made \n), null when empty; no control characters; at most MAX_TEXT_LENGTH. */
export function normaliseText(text: string | null | undefined, field = 'text'): string | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (!trimmed) return null;
  if (CONTROL.test(trimmed)) throw new ReviewsError(ReviewsErrorCode.InvalidText, `${field} must not contain control characters`, { field });
  if ([...trimmed].length > MAX_TEXT_LENGTH) {
    throw new ReviewsError(ReviewsErrorCode.TextTooLong, `${field} is longer than ${MAX_TEXT_LENGTH} characters`, { field, maxLength: MAX_TEXT_LENGTH });
  }
  return trimmed;
}

/** A response's text: as a review's, but required. */
export function requireResponseText(text: string): string {
  const normalised = normaliseText(text);
  if (!normalised) throw new ReviewsError(ReviewsErrorCode.InvalidText, 'text must not be empty', { field: 'text' });
  return normalised;
}

/** A report's or moderation decision's reason: trimmed, 1 to MAX_REASON_LENGTH characters, no control characters. */
export function requireReason(reason: string): string {
  const trimmed = reason.replace(/\r\n?/g, '\n').trim();
  if (!trimmed || [...trimmed].length > MAX_REASON_LENGTH || CONTROL.test(trimmed)) {
    throw new ReviewsError(ReviewsErrorCode.InvalidReason, `reason must be 1 to ${MAX_REASON_LENGTH} characters without control characters`, { maxLength: MAX_REASON_LENGTH });
  }
  return trimmed;
}

export function requirePageSize(first: number | null | undefined, fallback = 10): number {
  const size = first ?? fallback;
  if (!isPageSize(size)) {
    throw new ReviewsError(ReviewsErrorCode.InvalidPageSize, `first must be from 1 to ${MAX_PAGE_SIZE}`, { first: size, max: MAX_PAGE_SIZE });
  }
  return size;
}

/**
 * How a review shows its student: the first name and the initial of the last one ("Jane D."),
 * the first name alone when there is one word, "Student" without a name. Only this is stored.
 */
export function studentNameOf(displayName: string | null | undefined): string {
  const words = (displayName ?? '').trim().split(/\s+/u).filter(Boolean);
  if (!words.length) return 'Student';
  const first = [...words[0]!].slice(0, 40).join('');
  if (words.length === 1) return first;
  const initial = [...words[words.length - 1]!][0]!.toLocaleUpperCase();
  return `${first} ${initial}.`;
}

/** Why this lesson cannot be reviewed by this student now; null when it can. */
export function reviewRefusal(lesson: Lesson, now: Date, windowDays: number): ReviewsError | null {
  switch (lesson.status) {
    case 'CANCELLED':
      return new ReviewsError(ReviewsErrorCode.LessonCancelled, 'A cancelled lesson cannot be reviewed', { bookingId: lesson.bookingId });
    case 'NO_SHOW':
      return new ReviewsError(ReviewsErrorCode.LessonNoShow, 'A lesson marked as a no-show cannot be reviewed', { bookingId: lesson.bookingId });
    case 'CONFIRMED':
      return new ReviewsError(ReviewsErrorCode.LessonNotCompleted, 'The lesson is not completed yet; review it once it is', { bookingId: lesson.bookingId });
    case 'COMPLETED': {
      const until = reviewableUntil(lesson, windowDays);
      if (now > until) {
        return new ReviewsError(ReviewsErrorCode.ReviewWindowClosed, `Lessons can be reviewed for ${windowDays} days after they are completed`, {
          bookingId: lesson.bookingId,
          reviewableUntil: until.toISOString(),
        });
      }
      return null;
    }
  }
}

export function reviewableUntil(lesson: Lesson, windowDays: number): Date {
  return new Date(Date.parse(lesson.completedAt ?? lesson.startsAt) + windowDays * 86_400_000);
}

/** Why its student cannot edit the review now; null when they can. */
export function editRefusal(review: Review, now: Date, editWindowHours: number): ReviewsError | null {
  if (review.response) return new ReviewsError(ReviewsErrorCode.EditWindowClosed, 'The instructor has responded; the review can no longer be edited', { reviewId: review.id });
  const until = new Date(Date.parse(review.createdAt) + editWindowHours * 3_600_000);
  if (now > until) {
    return new ReviewsError(ReviewsErrorCode.EditWindowClosed, `Reviews can be edited for ${editWindowHours} hours after they are written`, {
      reviewId: review.id,
      editableUntil: until.toISOString(),
    });
  }
  return null;
}

/** The counts a review adds to its instructor's aggregates: nothing while hidden. */
export function countsOf(review: Pick<Review, 'visible' | 'rating'> | null): RatingCounts {
  const distribution: RatingCounts['distribution'] = [0, 0, 0, 0, 0];
  if (!review?.visible) return { count: 0, sum: 0, distribution };
  distribution[review.rating - 1] = 1;
  return { count: 1, sum: review.rating, distribution };
}

/** after − before, per field: what a change of a review does to its aggregates. */
export function countsDelta(before: RatingCounts, after: RatingCounts): RatingCounts {
  return {
    count: after.count - before.count,
    sum: after.sum - before.sum,
    distribution: after.distribution.map((n, i) => n - before.distribution[i]!) as RatingCounts['distribution'],
  };
}

export const isZero = (delta: RatingCounts) => delta.count === 0 && delta.sum === 0 && delta.distribution.every((n) => n === 0);
