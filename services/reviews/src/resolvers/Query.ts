import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  review: (_, { id }, { reviews }) => reviews.requireReview(id),
};
