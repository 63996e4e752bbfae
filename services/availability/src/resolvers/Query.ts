import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  availabilityWeek: (_, { instructorId, weekStart }, { weeks }) => weeks.week(instructorId, weekStart),
  bookableSlots: (_, { instructorId, durationMinutes, from, to, timezone }, { bookable }) => bookable.between(instructorId, durationMinutes, from, to, timezone),
};
