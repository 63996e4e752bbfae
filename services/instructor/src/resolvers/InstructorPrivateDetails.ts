import type { InstructorPrivateDetailsResolvers } from '../__generated__/resolvers-types';

export const InstructorPrivateDetails: InstructorPrivateDetailsResolvers = {
  onboardingStatus: (profile, _, { profiles }) => profiles.onboardingStatusOf(profile),
  identityVerification: ({ identity }) => identity,
};
