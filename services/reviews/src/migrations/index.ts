import { ReviewsInitial1763900000000 } from './1763900000000-reviews-initial';
import { ReviewsOutboxEnvelopeText1764400000000 } from './1764400000000-reviews-outbox-envelope-text';
import { ReviewsLessonsRatingsModeration1765400000000 } from './1765400000000-reviews-lessons-ratings-moderation';

/** Every reviews migration, oldest first. */
export const migrations = [ReviewsInitial1763900000000, ReviewsOutboxEnvelopeText1764400000000, ReviewsLessonsRatingsModeration1765400000000];
