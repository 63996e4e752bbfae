import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  partnerApiKeys: (_, { includeRevoked }, { caller, keys }) => keys.list(caller, includeRevoked ?? false),
};
