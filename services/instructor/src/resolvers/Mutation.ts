import type { MutationResolvers } from '../__generated__/resolvers-types';
import { toTerms } from './inputs';

export const Mutation: MutationResolvers = {
  startInstructorOnboarding: (_, { input }, { profileEditing }) => profileEditing.startOnboarding(input),
  updateInstructorProfile: (_, { instructorId, expectedVersion, input }, { profileEditing }) =>
    profileEditing.updateProfile(instructorId, expectedVersion, input),
  requestProfilePhotoUpload: (_, { instructorId, file }, { profileEditing }) => profileEditing.requestPhotoUpload(instructorId, file),
  confirmProfilePhotoUpload: (_, { instructorId, uploadKey }, { profileEditing }) => profileEditing.confirmPhotoUpload(instructorId, uploadKey),

  offerService: (_, { instructorId, input }, { offeredServices }) => offeredServices.offer(instructorId, input.serviceId, toTerms(input.terms)),
  updateOfferedService: (_, { offeredServiceId, expectedVersion, terms }, { offeredServices }) =>
    offeredServices.update(offeredServiceId, expectedVersion, toTerms(terms)),
  removeOfferedService: (_, { offeredServiceId }, { offeredServices }) => offeredServices.remove(offeredServiceId),

  startIdentityVerification: async (_, { instructorId }, { verification }) => {
    const session = await verification.startIdentityVerification(instructorId);
    return { sessionId: session.id, clientSecret: session.clientSecret, url: session.url };
  },
  startPayoutAccountOnboarding: (_, { instructorId }, { verification }) => verification.startPayoutAccountOnboarding(instructorId),
  requestBackgroundCheckUpload: (_, { instructorId, file }, { verification }) => verification.requestBackgroundCheckUpload(instructorId, file),
  confirmBackgroundCheckUpload: (_, { instructorId, uploadKey }, { verification }) => verification.confirmBackgroundCheckUpload(instructorId, uploadKey),
  approveBackgroundCheck: (_, { instructorId }, { verification }) => verification.approveBackgroundCheck(instructorId),
  rejectBackgroundCheck: (_, { instructorId, reason }, { verification }) => verification.rejectBackgroundCheck(instructorId, reason),

  goLive: (_, { instructorId }, { liveStatus }) => liveStatus.goLive(instructorId),
  goOffline: (_, { instructorId }, { liveStatus }) => liveStatus.goOffline(instructorId),
};
