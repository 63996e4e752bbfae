import type { AvailabilityWeekResolvers } from '../__generated__/resolvers-types';

export const AvailabilityWeek: AvailabilityWeekResolvers = {
  __resolveReference: (ref, { weeks }) => weeks.week(ref.instructorId, ref.weekStart),
};
