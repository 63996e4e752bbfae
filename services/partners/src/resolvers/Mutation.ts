import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createPartnerApiKey: (_, { input }, { caller, keys }) => keys.create(caller, input),
  revokePartnerApiKey: (_, { id }, { caller, keys }) => keys.revoke(caller, id),
};
