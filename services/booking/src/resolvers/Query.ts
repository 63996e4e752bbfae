import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  booking: (_, { id }, { bookings }) => bookings.requireVisibleBooking(id),
};
