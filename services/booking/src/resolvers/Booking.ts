import type { BookingResolvers } from '../__generated__/resolvers-types';
import { seesNotes } from '../domain/bookings.service';
import type { Payment } from '../domain/payment.types';
import { apiLessonMode } from './enums';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const Booking: BookingResolvers = {
  __resolveReference: (ref, { bookings }) => bookings.visibleBooking(ref.id),
  instructor: (booking) => ({ id: booking.instructorId }),
  service: (booking) => ({ id: booking.serviceId }),
  lessonMode: (booking) => apiLessonMode(booking.lessonMode),
  notes: (booking, _, { caller }) => (seesNotes(caller, booking) ? booking.notes : null),
  payment: async (booking, _, { caller, paymentLoader, refundLoader }) => {
    const payment: Payment | null = await paymentLoader.load(booking.id);
    if (!payment) return null;
    const student = caller.userId === booking.studentId;
    return {
      status: payment.status,
      amount: { amountMinor: payment.amountMinor + payment.creditMinor, currency: payment.currency },
      creditsAppliedMinor: payment.creditMinor,
      cardAmountMinor: payment.amountMinor,
      platformFeeMinor: payment.platformFeeMinor,
      authorizeAt: payment.authorizeAt.toISOString(),
      authorizedAmountMinor: payment.authorizedAmountMinor,
      authorizedAt: iso(payment.authorizedAt),
      captureBefore: iso(payment.captureBefore),
      capturedAmountMinor: payment.capturedAmountMinor,
      capturedAt: iso(payment.capturedAt),
      voidedAt: iso(payment.voidedAt),
      refundedMinor: payment.refundedMinor,
      refundedCreditsMinor: payment.refundedCreditMinor,
      creditInsteadMinor: payment.creditInsteadMinor,
      refunds: (await refundLoader.load(booking.id)).map((r) => ({
        id: r.id,
        status: r.status,
        cardMinor: r.cardMinor,
        creditsMinor: r.creditMinor,
        currency: r.currency,
        reason: r.reason,
        createdAt: r.createdAt.toISOString(),
        settledAt: iso(r.settledAt),
        failure: r.failure,
      })),
      action:
        payment.status === 'ACTION_REQUIRED' && payment.action
          ? { type: payment.action.type, clientSecret: student ? payment.action.clientSecret : null, deadline: payment.actionDeadline.toISOString() }
          : null,
      failure: payment.failure,
    };
  },
};
