import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  categories: (_, __, { categories }) => categories.listCategories(),
  category: (_, { slug }, { categories }) => categories.categoryBySlug(slug),
  service: (_, { id }, { categories }) => categories.requireService(id),
};
