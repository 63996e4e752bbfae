import type { OfferedServiceResolvers } from '../__generated__/resolvers-types';

export const OfferedService: OfferedServiceResolvers = {
  service: ({ serviceId }) => ({ id: serviceId }),
};
