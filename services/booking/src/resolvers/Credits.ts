import type { CreditEntryResolvers, CreditLotResolvers } from '../__generated__/resolvers-types';

export const CreditLot: CreditLotResolvers = {
  expiresAt: (lot) => lot.expiresAt.toISOString(),
};

export const CreditEntry: CreditEntryResolvers = {
  at: (entry) => entry.at.toISOString(),
};
