import type { MutationResolvers } from '../__generated__/resolvers-types';
import { lessonModeOf } from './enums';

export const Mutation: MutationResolvers = {
  createBooking: (_, { input }, { caller, creation }) => creation.createBooking(caller, { ...input, lessonMode: lessonModeOf(input.lessonMode) }),
  cancelBooking: (_, { id, reason, refundTo }, { caller, lifecycle }) => lifecycle.cancelBooking(caller, id, reason, { refundTo: refundTo ?? 'CARD' }),
  markInstructorNoShow: (_, { id, reason }, { caller, lifecycle }) => lifecycle.markInstructorNoShow(caller, id, reason),
  refundBooking: async (_, { input }, { caller, payments, bookings }) => {
    const payment = await payments.refund(caller, input);
    return bookings.requireVisibleBooking(payment.bookingId);
  },
  completeBooking: (_, { id }, { caller, lifecycle }) => lifecycle.completeBooking(caller, id),
  markNoShow: (_, { id }, { caller, lifecycle }) => lifecycle.markNoShow(caller, id),
  startPaymentMethodSetup: async (_, __, { caller, paymentMethods }) => {
    const setup = await paymentMethods.startSetup(caller);
    return { setupIntentId: setup.setupIntentId, clientSecret: setup.clientSecret };
  },
  retryBookingPayment: async (_, { bookingId, paymentMethodId }, { caller, payments, bookings }) => {
    await payments.retryPayment(caller, bookingId, paymentMethodId);
    return bookings.requireVisibleBooking(bookingId);
  },
  requestInstantPayout: (_, { amountMinor, idempotencyKey }, { caller, payouts }) => payouts.requestInstant(caller, amountMinor, idempotencyKey),
  grantCredits: (_, { input }, { caller, credits }) => credits.grant(caller, input),
  redeemReferralCode: (_, { code }, { caller, referrals }) => referrals.redeem(caller, code),
  revokeCredits: (_, { input }, { caller, credits }) => credits.revoke(caller, input),
};
