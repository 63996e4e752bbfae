import type { CategoryResolvers } from '../__generated__/resolvers-types';

export const Category: CategoryResolvers = {
  __resolveReference: (ref, { categories }) => categories.categoryById(ref.id),
  services: (category, _, { categories, discovery }) => (category.isVirtual ? discovery.kidsAvailableServices() : categories.servicesOf(category.id)),
};
