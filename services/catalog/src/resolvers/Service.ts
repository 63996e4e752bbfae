import type { ServiceResolvers } from '../__generated__/resolvers-types';

export const Service: ServiceResolvers = {
  __resolveReference: (ref, { categories }) => categories.serviceById(ref.id),
  category: (service, _, { categories }) => categories.requireCategory(service.categoryId),
};
