import type { Sql } from '@instainstru/platform';
import type { InstructorRatingsUnitOfWork } from '../domain/instructor-ratings.ports';
import type { RatingAdjustment, ReviewRating } from '../domain/instructor-ratings.types';

interface ReviewRatingRow {
  review_id: string;
  instructor_id: string;
  service_id: string;
  rating: number;
  visible: boolean;
  version: number;
}

const toReviewRating = (r: ReviewRatingRow): ReviewRating => ({
  reviewId: r.review_id,
  instructorId: r.instructor_id,
  serviceId: r.service_id,
  rating: r.rating,
  visible: r.visible,
  version: r.version,
});

/** Writes the read model of reviews inside the consumer's transaction (`tx` is the inbox row's transaction). */
export class PostgresInstructorRatingsUnitOfWork implements InstructorRatingsUnitOfWork {
  constructor(private readonly tx: Sql) {}

  async storeIfNewer(review: ReviewRating): Promise<{ previous: ReviewRating | null } | null> {
    const values = [review.reviewId, review.instructorId, review.serviceId, review.rating, review.visible, review.version];
    // A review seen for the first time; a concurrent insert of it waits here until the other commits.
    const inserted = await this.tx.execute(
      `insert into review_rating (review_id, instructor_id, service_id, rating, visible, version)
       values ($1, $2, $3, $4, $5, $6) on conflict (review_id) do nothing`,
      values,
    );
    if (inserted > 0) return { previous: null };
    // Kept already: the row lock holds this review's other events off until the transaction ends.
    const [kept] = await this.tx.query<ReviewRatingRow>(
      `select review_id, instructor_id, service_id, rating, visible, version from review_rating where review_id = $1 for update`,
      [review.reviewId],
    );
    if (!kept) throw new Error(`review ${review.reviewId} conflicted on insert but is not kept`);
    if (kept.version >= review.version) return null;
    await this.tx.execute(
      `update review_rating set instructor_id = $2, service_id = $3, rating = $4, visible = $5, version = $6, updated_at = now() where review_id = $1`,
      values,
    );
    return { previous: toReviewRating(kept) };
  }

  async adjustAggregates(adjustments: readonly RatingAdjustment[]): Promise<void> {
    // Locked in one order (by instructor, then the totals), so concurrent events never wait on each other in a cycle.
    for (const a of [...adjustments].sort((x, y) => x.instructorId.localeCompare(y.instructorId))) {
      // An empty aggregate first (its checks hold), then the adjustment under the row's lock.
      await this.tx.execute(`insert into instructor_rating (instructor_id, review_count, rating_sum) values ($1, 0, 0) on conflict (instructor_id) do nothing`, [a.instructorId]);
      await this.tx.execute(
        `update instructor_rating set review_count = review_count + $2, rating_sum = rating_sum + $3, updated_at = now() where instructor_id = $1`,
        [a.instructorId, a.reviewCount, a.ratingSum],
      );
    }
    const reviewCount = adjustments.reduce((n, a) => n + a.reviewCount, 0);
    const ratingSum = adjustments.reduce((n, a) => n + a.ratingSum, 0);
    if (reviewCount === 0 && ratingSum === 0) return;
    await this.tx.execute(`update rating_totals set review_count = review_count + $1, rating_sum = rating_sum + $2`, [reviewCount, ratingSum]);
  }
}
