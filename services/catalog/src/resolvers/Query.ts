import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  categories: (_, __, { categories }) => categories.listCategories(),
  category: (_, { slug }, { categories }) => categories.categoryBySlug(slug),
  service: (_, { id }, { categories }) => categories.requireService(id),
  kidsAvailableServices: (_, __, { discovery }) => discovery.kidsAvailableServices(),
  instructorsForService: async (_, { serviceId, context, first, after }, { categories, discovery }) => {
    const service = await categories.requireService(serviceId);
    return discovery.instructorsForService(service.id, context, first, after);
  },
  parseSearch: (_, { text }, { searchParsing }) => searchParsing.parseSearch(text),
  searchInstructors: (_, args, { search }) => search.search(args),
};
