import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  review: (_, { id }, { reviews }) => reviews.requireReview(id),
  myReviewableBookings: (_, { first }, { reviews }) => reviews.reviewable(first),
  reviewsAwaitingModeration: (_, { first, after }, { reviews }) => reviews.awaitingModeration(first, after),
};
