import DataLoader from 'dataloader';
import { isUuid } from '@instainstru/platform';
import { ReviewsError, ReviewsErrorCode } from './reviews.errors';
import type { ReviewRepository } from './review.ports';
import type { Review } from './review.types';

/** Review reads for one request, batched through a DataLoader. */
export class Reviews {
  private readonly loader: DataLoader<string, Review | null>;

  constructor(repository: ReviewRepository) {
    this.loader = new DataLoader(async (ids) => {
      const rows = new Map((await repository.findByIds(ids)).map((r) => [r.id, r]));
      return ids.map((id) => rows.get(id) ?? null);
    });
  }

  async review(id: string): Promise<Review | null> {
    return isUuid(id) ? this.loader.load(id) : null;
  }

  async requireReview(id: string): Promise<Review> {
    const review = await this.review(id);
    if (!review) throw new ReviewsError(ReviewsErrorCode.ReviewNotFound, `No review with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
    return review;
  }
}
