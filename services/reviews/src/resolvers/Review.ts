import type { ReviewResolvers } from '../__generated__/resolvers-types';

export const Review: ReviewResolvers = {
  __resolveReference: (ref, { reviews }) => reviews.review(ref.id),
  instructor: (review) => ({ id: review.instructorId }),
};
