import { randomUUID } from 'node:crypto';
import DataLoader from 'dataloader';
import { ReviewEventType, bayesianRating, platformMean } from '@instainstru/events';
import { decodeInstantIdCursor, encodeOpaqueCursor, hasRole, isUuid, type Caller } from '@instainstru/platform';
import type { ReviewsConfig } from '../reviews.config';
import { reviewFact } from './review.events';
import type { ReviewChange, ReviewRepository, ReviewsUnitOfWork } from './review.ports';
import {
  countsDelta,
  countsOf,
  editRefusal,
  isZero,
  normaliseText,
  requirePageSize,
  requireRating,
  requireReason,
  requireResponseText,
  reviewableUntil,
  reviewRefusal,
  studentNameOf,
} from './review.rules';
import { ReviewsError, ReviewsErrorCode, reviewNotFound } from './reviews.errors';
import type { InstructorRatings, RatingCounts, ReportedReview, Review, ReviewableLesson, ReviewPageKey } from './review.types';

export type Clock = () => Date;

export interface Rating {
  count: number;
  average: number | null;
  distribution: { stars: number; count: number }[];
  bayesianAverage: number | null;
}

export type InstructorRatingView = Rating & { byService: ServiceRatingView[] };
export interface ServiceRatingView {
  serviceId: string;
  rating: Rating;
}
export interface InstructorRef {
  id: string;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface ReviewPageRequest {
  instructorId: string;
  first: number;
  after: ReviewPageKey | null;
  serviceId: string | null;
}

const round2 = (n: number | null) => (n === null ? null : Math.round(n * 100) / 100);

/** A rating from counts, with the platform's totals as the Bayesian prior. */
export function ratingOf(counts: RatingCounts, platform: { count: number; sum: number }): Rating {
  return {
    count: counts.count,
    average: counts.count ? round2(counts.sum / counts.count) : null,
    distribution: counts.distribution.map((count, i) => ({ stars: i + 1, count })),
    bayesianAverage: round2(bayesianRating(counts.sum, counts.count, platformMean(platform.sum, platform.count))),
  };
}

const reviewCursor = (review: Review) => encodeOpaqueCursor([review.createdAt, review.id]);

function decodeReviewCursor(after: string | null | undefined): ReviewPageKey | null {
  if (after === null || after === undefined) return null;
  const key = decodeInstantIdCursor(after);
  if (key) return { createdAt: key.at, id: key.id };
  throw new ReviewsError(ReviewsErrorCode.InvalidCursor, 'after is not a cursor this query returned');
}

/**
 * Reviews of completed lessons (DESIGN §7): who may review comes from booking's events in this
 * service's own read model, never from the client; one review per lesson, enforced by the database;
 * every change updates the instructor's rating aggregates and appends its event in one
 * transaction, so a hidden review leaves every rating at once and the catalog follows from the
 * events. Reads are per request (DataLoaders: one statement per batch of instructors).
 */
export class ReviewsService {
  private readonly reviewLoader: DataLoader<string, Review | null>;
  private readonly ratingLoader: DataLoader<string, InstructorRatings>;
  private readonly pageLoader: DataLoader<ReviewPageRequest, Review[], string>;

  constructor(
    private readonly repository: ReviewRepository,
    private readonly config: ReviewsConfig,
    private readonly clock: Clock,
    private readonly caller: Caller,
  ) {
    this.reviewLoader = new DataLoader(async (ids) => {
      const rows = new Map((await repository.findByIds(ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id) ?? null);
    });
    this.ratingLoader = new DataLoader(async (ids) => {
      const rows = new Map((await repository.ratingsOf(ids)).map((r) => [r.instructorId, r]));
      return ids.map((id) => rows.get(id)!);
    });
    // One statement per distinct (first, after, serviceId) in the batch; a search page asks them all alike.
    this.pageLoader = new DataLoader(
      async (requests) => {
        const groups = new Map<string, ReviewPageRequest[]>();
        for (const r of requests) {
          const key = JSON.stringify([r.first, r.after, r.serviceId]);
          groups.set(key, [...(groups.get(key) ?? []), r]);
        }
        const answers = new Map<ReviewPageRequest, Review[]>();
        for (const group of groups.values()) {
          const { first, after, serviceId } = group[0]!;
          const pages = await repository.reviewPages([...new Set(group.map((r) => r.instructorId))], serviceId, after, first + 1);
          for (const r of group) answers.set(r, pages.get(r.instructorId) ?? []);
        }
        return requests.map((r) => answers.get(r)!);
      },
      { cacheKeyFn: (r) => JSON.stringify([r.instructorId, r.first, r.after, r.serviceId]) },
    );
  }

  private get isAdmin(): boolean {
    return hasRole(this.caller, 'admin');
  }

  private signedIn(what: string): string {
    if (!this.caller.userId) throw new ReviewsError(ReviewsErrorCode.SignInRequired, `Sign in to ${what}`);
    return this.caller.userId;
  }

  private requireAdmin(): string {
    const userId = this.signedIn('moderate reviews');
    if (!this.isAdmin) throw new ReviewsError(ReviewsErrorCode.AdminOnly, 'Only admins moderate reviews');
    return userId;
  }

  /** A review the caller may see: visible ones to anyone, hidden ones to admins only. */
  async review(id: string): Promise<Review | null> {
    if (!isUuid(id)) return null;
    const review = await this.reviewLoader.load(id);
    return review && (review.visible || this.isAdmin) ? review : null;
  }

  async requireReview(id: string): Promise<Review> {
    const review = await this.review(id);
    if (!review) throw reviewNotFound(id);
    return review;
  }

  /** Until when its student may still edit the review (null once they cannot). */
  editableUntil(review: Review): string | null {
    if (review.response) return null;
    const until = new Date(Date.parse(review.createdAt) + this.config.editWindowHours * 3_600_000);
    return until > this.clock() ? until.toISOString() : null;
  }

  async createReview(input: { bookingId: string; rating: number; text?: string | null }): Promise<Review> {
    const studentId = this.signedIn('review a lesson');
    if (!hasRole(this.caller, 'student')) throw new ReviewsError(ReviewsErrorCode.StudentRoleRequired, 'Only students review lessons');
    const rating = requireRating(input.rating);
    const text = normaliseText(input.text);
    const notFound = new ReviewsError(ReviewsErrorCode.LessonNotFound, `No completed lesson of yours with booking id "${input.bookingId.slice(0, 64)}"`, {
      bookingId: input.bookingId.slice(0, 64),
    });
    const lesson = isUuid(input.bookingId) ? await this.repository.lesson(input.bookingId) : null;
    if (!lesson || lesson.studentUserId !== studentId) throw notFound;
    const now = this.clock();
    const refusal = reviewRefusal(lesson, now, this.config.windowDays);
    if (refusal) throw refusal;
    return this.repository.transaction(async (uow) => {
      const review = await uow.insertReview({
        id: randomUUID(),
        bookingId: lesson.bookingId,
        instructorId: lesson.instructorId,
        instructorUserId: lesson.instructorUserId,
        serviceId: lesson.serviceId,
        studentUserId: studentId,
        studentName: studentNameOf(this.caller.name),
        rating,
        text,
        createdAt: now.toISOString(),
      });
      if (!review) throw new ReviewsError(ReviewsErrorCode.AlreadyReviewed, 'This lesson has been reviewed already', { bookingId: lesson.bookingId });
      await uow.addToRatings(review.instructorId, review.serviceId, countsOf(review));
      await uow.publish(reviewFact(ReviewEventType.Published, review, now));
      return review;
    });
  }

  async updateReview(reviewId: string, input: { rating?: number | null; text?: string | null }): Promise<Review> {
    const studentId = this.signedIn('edit your review');
    const change: ReviewChange = {};
    if (input.rating !== undefined && input.rating !== null) change.rating = requireRating(input.rating);
    if (input.text !== undefined) change.text = normaliseText(input.text);
    if (!Object.keys(change).length) throw new ReviewsError(ReviewsErrorCode.NothingToChange, 'Give a rating or a text to change');
    return this.change(reviewId, async (_uow, review, now) => {
      if (review.studentUserId !== studentId) throw new ReviewsError(ReviewsErrorCode.NotReviewAuthor, 'Only its student may edit a review', { reviewId });
      const refusal = editRefusal(review, now, this.config.editWindowHours);
      if (refusal) throw refusal;
      return { change: { ...change, editedAt: now.toISOString() }, event: ReviewEventType.Updated };
    });
  }

  async respond(reviewId: string, text: string): Promise<Review> {
    const userId = this.signedIn('respond to a review');
    const response = requireResponseText(text);
    return this.change(reviewId, async (_uow, review, now) => {
      if (review.instructorUserId !== userId) throw new ReviewsError(ReviewsErrorCode.NotReviewedInstructor, 'Only the reviewed instructor may respond', { reviewId });
      if (review.response) throw new ReviewsError(ReviewsErrorCode.AlreadyResponded, 'The review has a response already', { reviewId });
      return { change: { response: { text: response, respondedAt: now.toISOString() } }, event: ReviewEventType.Responded };
    });
  }

  async hide(reviewId: string, reason: string): Promise<Review> {
    const adminId = this.requireAdmin();
    const why = requireReason(reason);
    return this.change(reviewId, async (uow, review, now) => {
      if (!review.visible) throw new ReviewsError(ReviewsErrorCode.AlreadyHidden, 'The review is hidden already', { reviewId });
      await uow.recordModeration(reviewId, 'HIDE', why, adminId, now);
      return { change: { visible: false, moderatedAt: now.toISOString() }, event: ReviewEventType.Hidden };
    });
  }

  async restore(reviewId: string, reason: string): Promise<Review> {
    const adminId = this.requireAdmin();
    const why = requireReason(reason);
    return this.change(reviewId, async (uow, review, now) => {
      if (review.visible) throw new ReviewsError(ReviewsErrorCode.NotHidden, 'The review is not hidden', { reviewId });
      await uow.recordModeration(reviewId, 'RESTORE', why, adminId, now);
      return { change: { visible: true, moderatedAt: now.toISOString() }, event: ReviewEventType.Restored };
    });
  }

  /**
   * One change of a review in one transaction: the row locked, the decision made on its current
   * state, the change written (version + 1), the aggregates moved by the difference, the event appended.
   */
  private async change(
    reviewId: string,
    decide: (uow: ReviewsUnitOfWork, review: Review, now: Date) => Promise<{ change: ReviewChange; event: (typeof ReviewEventType)[keyof typeof ReviewEventType] }>,
  ): Promise<Review> {
    if (!isUuid(reviewId)) throw reviewNotFound(reviewId);
    return this.repository.transaction(async (uow) => {
      const review = await uow.lockReview(reviewId);
      if (!review || (!review.visible && !this.isAdmin)) throw reviewNotFound(reviewId);
      const now = this.clock();
      const { change, event } = await decide(uow, review, now);
      const changed = await uow.updateReview(review, change, now);
      const delta = countsDelta(countsOf(review), countsOf(changed));
      if (!isZero(delta)) await uow.addToRatings(changed.instructorId, changed.serviceId, delta);
      await uow.publish(reviewFact(event, changed, now));
      return changed;
    });
  }

  async report(reviewId: string, reason: string): Promise<{ reviewId: string; reportedAt: string }> {
    const userId = this.signedIn('report a review');
    const why = requireReason(reason);
    const review = await this.requireReview(reviewId);
    const reportedAt = await this.repository.report(review.id, userId, why, this.clock());
    return { reviewId: review.id, reportedAt: reportedAt.toISOString() };
  }

  async awaitingModeration(first: number | null | undefined, after: string | null | undefined): Promise<Page<ReportedReview>> {
    this.requireAdmin();
    const size = requirePageSize(first, 20);
    let key: { firstReportedAt: string; id: string } | null = null;
    if (after !== null && after !== undefined) {
      const decoded = decodeInstantIdCursor(after);
      if (!decoded) throw new ReviewsError(ReviewsErrorCode.InvalidCursor, 'after is not a cursor this query returned');
      key = { firstReportedAt: decoded.at, id: decoded.id };
    }
    const rows = await this.repository.awaitingModeration(key, size + 1);
    const edges = rows.slice(0, size).map((node) => ({ cursor: encodeOpaqueCursor([node.firstReportedAt, node.review.id]), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  async reviewable(first: number | null | undefined): Promise<ReviewableLesson[]> {
    const studentId = this.signedIn('see the lessons you can review');
    const size = requirePageSize(first, 20);
    const since = new Date(this.clock().getTime() - this.config.windowDays * 86_400_000);
    const lessons = await this.repository.reviewableLessons(studentId, since, size);
    return lessons.map((lesson) => ({ ...lesson, reviewableUntil: reviewableUntil(lesson, this.config.windowDays).toISOString() }));
  }

  /** An instructor's visible reviews, newest first (batched with the other instructors of the request). */
  async reviewsOf(instructorId: string, args: { first?: number | null; after?: string | null; serviceId?: string | null }): Promise<Page<Review>> {
    const first = requirePageSize(args.first, 10);
    const after = decodeReviewCursor(args.after);
    const serviceId = args.serviceId ?? null;
    if (!isUuid(instructorId) || (serviceId !== null && !isUuid(serviceId))) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const rows = await this.pageLoader.load({ instructorId, first, after, serviceId });
    const edges = rows.slice(0, first).map((node) => ({ cursor: reviewCursor(node), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** An instructor's rating, overall and per service (batched: one statement for the request's instructors). */
  async ratingOf(instructorId: string): Promise<InstructorRatingView> {
    const empty: InstructorRatings = { instructorId, overall: { count: 0, sum: 0, distribution: [0, 0, 0, 0, 0] }, byService: [], platform: { count: 0, sum: 0 } };
    const ratings = isUuid(instructorId) ? await this.ratingLoader.load(instructorId) : empty;
    return {
      ...ratingOf(ratings.overall, ratings.platform),
      byService: ratings.byService.map((s) => ({ serviceId: s.serviceId, rating: ratingOf(s.counts, ratings.platform) })),
    };
  }
}
