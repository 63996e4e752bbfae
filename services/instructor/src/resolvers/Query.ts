import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  instructor: (_, { id }, { profiles }) => profiles.requireVisibleProfile(id),
  myInstructorProfile: (_, __, { profiles }) => profiles.myProfile(),
  backgroundChecksAwaitingReview: (_, __, { profiles }) => profiles.awaitingBackgroundCheckReview(),
};
