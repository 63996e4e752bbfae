import type { InstructorResolvers } from '../__generated__/resolvers-types';

export const Instructor: InstructorResolvers = {
  // With `generatedBio` the gateway sends the catalog's service names along (@requires).
  __resolveReference: (ref, { profiles }) =>
    profiles.reference(ref.id, 'offeredServices' in ref ? ref.offeredServices?.map((o) => o?.service?.name ?? null) : undefined),
  generatedBio: (view, _, { profiles }) => profiles.generatedBioOf(view),
  area: ({ address }) => address && { city: address.city, state: address.state },
  photoUrl: (profile, _, { profiles }) => profiles.photoUrlOf(profile),
  offeredServices: (profile, _, { profiles }) => profiles.offeredServicesOf(profile),
  privateDetails: (profile, _, { profiles }) => profiles.privateDetailsOf(profile),
};
