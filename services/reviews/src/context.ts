import type { Caller } from '@instainstru/platform';
import type { Reviews } from './domain/reviews.service';

export interface ReviewsContext {
  caller: Caller;
  reviews: Reviews;
}
