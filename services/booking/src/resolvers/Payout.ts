import type { PayoutResolvers } from '../__generated__/resolvers-types';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const Payout: PayoutResolvers = {
  requestedAt: (payout) => payout.requestedAt.toISOString(),
  arrivalAt: (payout) => iso(payout.arrivalAt),
  paidAt: (payout) => iso(payout.paidAt),
};
