import type { InstructorResolvers } from '../__generated__/resolvers-types';

export const Instructor: InstructorResolvers = {
  __resolveReference: (ref, { profiles }) => profiles.visibleProfile(ref.id),
};
