import type { BookingResolvers } from '../__generated__/resolvers-types';
import { seesNotes } from '../domain/bookings.service';
import { apiLessonMode } from './enums';

export const Booking: BookingResolvers = {
  __resolveReference: (ref, { bookings }) => bookings.visibleBooking(ref.id),
  instructor: (booking) => ({ id: booking.instructorId }),
  service: (booking) => ({ id: booking.serviceId }),
  lessonMode: (booking) => apiLessonMode(booking.lessonMode),
  notes: (booking, _, { caller }) => (seesNotes(caller, booking) ? booking.notes : null),
};
