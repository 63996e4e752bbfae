import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createReview: (_, { input }, { reviews }) => reviews.createReview(input),
  updateReview: (_, { reviewId, input }, { reviews }) => reviews.updateReview(reviewId, input),
  respondToReview: (_, { reviewId, text }, { reviews }) => reviews.respond(reviewId, text),
  reportReview: (_, { reviewId, reason }, { reviews }) => reviews.report(reviewId, reason),
  hideReview: (_, { reviewId, reason }, { reviews }) => reviews.hide(reviewId, reason),
  restoreReview: (_, { reviewId, reason }, { reviews }) => reviews.restore(reviewId, reason),
};
