import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  booking: (_, { id }, { bookings }) => bookings.requireVisibleBooking(id),
  myBookings: (_, { when, first, after }, { bookings }) => bookings.myBookings(when, first, after),
  instructorSchedule: (_, { instructorId, from, to, includeCancelled }, { bookings }) => bookings.instructorSchedule(instructorId, from, to, includeCancelled ?? false),
  myPaymentMethods: (_, __, { caller, paymentMethods }) => paymentMethods.mine(caller),
  cancellationQuote: (_, { bookingId }, { caller, payments, bookings }) => payments.quoteCancellation(caller, bookingId, (id) => bookings.requireVisibleBooking(id)),
  myCredits: (_, { historyFirst }, { caller, credits }) => credits.mine(caller, historyFirst),
  studentCredits: (_, { studentId, historyFirst }, { caller, credits }) => credits.ofStudent(caller, studentId, historyFirst),
  myReferrals: (_, __, { caller, referrals }) => referrals.mine(caller),
  myReferralCode: (_, __, { caller, referrals }) => referrals.myCode(caller),
  myEarnings: (_, __, { caller, payouts }) => payouts.earnings(caller),
  instantPayoutQuote: (_, { amountMinor }, { caller, payouts }) => payouts.quote(caller, amountMinor),
  myPayouts: (_, { first, after }, { caller, payouts }) => payouts.mine(caller, first, after),
};
