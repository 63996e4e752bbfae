import type { Review } from './review.types';

/** The reviews' store; read-only so far (reviews are written by no use case of this service yet). */
export interface ReviewRepository {
  /** The reviews with these ids, in no particular order; ids without a review are left out. */
  findByIds(ids: readonly string[]): Promise<Review[]>;
}
