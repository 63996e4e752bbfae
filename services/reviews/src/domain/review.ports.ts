import type { NewEvent } from '@instainstru/events';
import type { InstructorRatings, Lesson, RatingCounts, ReportedReview, Review, ReviewPageKey } from './review.types';

/** A review as its create writes it (version 1, visible, no response). */
export type NewReview = Omit<Review, 'visible' | 'response' | 'version' | 'updatedAt' | 'editedAt'>;

/** What a change of a review may set; the version grows by one with each. */
export interface ReviewChange {
  rating?: number;
  text?: string | null;
  visible?: boolean;
  response?: { text: string; respondedAt: string };
  editedAt?: string;
  moderatedAt?: string;
}

/** One database transaction of the reviews service (events appended commit with it). */
export interface ReviewsUnitOfWork {
  /** Inserts the review unless its lesson has one already (null then: nothing written). */
  insertReview(review: NewReview): Promise<Review | null>;
  lockReview(id: string): Promise<Review | null>;
  /** Writes the change and bumps the version (the row is locked by lockReview). */
  updateReview(review: Review, change: ReviewChange, at: Date): Promise<Review>;
  /** Adds `delta` to the instructor's overall aggregate, the service's, and the platform's totals. */
  addToRatings(instructorId: string, serviceId: string, delta: RatingCounts): Promise<void>;
  recordModeration(reviewId: string, action: 'HIDE' | 'RESTORE', reason: string, adminUserId: string, at: Date): Promise<void>;
  publish(event: NewEvent<object>): Promise<void>;
}

export interface ReviewRepository {
  /** The reviews with these ids, in no particular order; ids without a review are left out. */
  findByIds(ids: readonly string[]): Promise<Review[]>;
  lesson(bookingId: string): Promise<Lesson | null>;
  /** The student's lessons completed at or after `completedSince` without a review, most recent first. */
  reviewableLessons(studentUserId: string, completedSince: Date, limit: number): Promise<Lesson[]>;
  /**
   * Each instructor's visible reviews (of one service when `serviceId` is given), newest first,
   * after `after`, at most `limit` each: one statement for all of them.
   */
  reviewPages(instructorIds: readonly string[], serviceId: string | null, after: ReviewPageKey | null, limit: number): Promise<Map<string, Review[]>>;
  /** The rating aggregates of these instructors (overall and per service) and the platform's totals: one statement. */
  ratingsOf(instructorIds: readonly string[]): Promise<InstructorRatings[]>;
  /** Records or refreshes a report; answers when it was recorded. */
  report(reviewId: string, reporterUserId: string, reason: string, at: Date): Promise<Date>;
  /** Reviews reported since they were last moderated, the earliest reported first. */
  awaitingModeration(after: { firstReportedAt: string; id: string } | null, limit: number): Promise<ReportedReview[]>;
  /**
   * Rebuilds every aggregate from the reviews table in one transaction and answers how many rows
   * differed from what the changes had kept (0 when the incremental state was exact).
   */
  recomputeRatings(): Promise<{ drifted: number; instructors: number }>;
  transaction<T>(work: (unitOfWork: ReviewsUnitOfWork) => Promise<T>): Promise<T>;
}
