import type { Caller } from '@instainstru/platform';
import type { ReviewsService } from './domain/reviews.service';

export interface ReviewsContext {
  caller: Caller;
  reviews: ReviewsService;
}
