import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  saveAvailabilityWeek: (_, args, { caller, weeks }) => weeks.save(caller, args),
  copyAvailabilityWeek: (_, { instructorId, fromWeekStart, weeks: count }, { caller, weeks }) => weeks.copy(caller, instructorId, fromWeekStart, count),
};
