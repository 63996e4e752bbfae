import type { BookingResolvers } from '../__generated__/resolvers-types';

export const Booking: BookingResolvers = {
  __resolveReference: (ref, { bookings }) => bookings.visibleBooking(ref.id),
  instructor: (booking) => ({ id: booking.instructorId }),
};
