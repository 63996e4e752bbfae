import type { BackgroundCheckResolvers } from '../__generated__/resolvers-types';

export const BackgroundCheck: BackgroundCheckResolvers = {
  documentUrl: (check, _, { profiles }) => profiles.documentUrlOf(check),
};
