import { ReviewsInitial1763900000000 } from './1763900000000-reviews-initial';

/** Every reviews migration, oldest first. */
export const migrations = [ReviewsInitial1763900000000];
