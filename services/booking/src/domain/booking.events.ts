import type { NewEvent } from '@instainstru/events';
import type { Booking as Booked } from './booking.types';

/** Event types the booking service publishes (schemas in schemas/events/<type>.v1.json), topic `<prefix>booking.events`. */
export const BookingEventType = {
  Confirmed: 'booking.confirmed',
  Cancelled: 'booking.cancelled',
  Completed: 'booking.completed',
  NoShow: 'booking.no-show',
} as const;

export type BookingEventTypeName = (typeof BookingEventType)[keyof typeof BookingEventType];

export type LessonModeValue = 'at_studio' | 'at_student_place' | 'online';
export type CancelledByValue = 'STUDENT' | 'INSTRUCTOR' | 'ADMIN' | 'SYSTEM';
export type CompletedByValue = 'INSTRUCTOR' | 'SYSTEM';

/**
 * Every booking event carries the booking's whole state, so a consumer can act on any one event.
 * Times are ISO 8601 instants in UTC; price is in minor units.
 */
export interface BookingEventState {
  bookingId: string;
  instructorId: string;
  instructorUserId: string;
  studentUserId: string;
  serviceId: string;
  status: 'CONFIRMED' | 'CANCELLED' | 'COMPLETED' | 'NO_SHOW';
  startsAt: string;
  endsAt: string;
  durationMinutes: number;
  lessonMode: LessonModeValue;
  price: { amountMinor: number; currency: string };
  /** NOT_STARTED until payments drive it; consumers tolerate values they do not know. */
  paymentStatus: string;
  occurredAt: string;
}

export type BookingConfirmedPayload = BookingEventState & { status: 'CONFIRMED' };
export type BookingCancelledPayload = BookingEventState & {
  status: 'CANCELLED';
  cancelledBy: CancelledByValue;
  reason: string | null;
  cancelledAt: string;
};
export type BookingCompletedPayload = BookingEventState & { status: 'COMPLETED'; completedAt: string; completedBy: CompletedByValue };
export type BookingNoShowPayload = BookingEventState & { status: 'NO_SHOW'; markedAt: string };

export type BookingEventPayload = BookingConfirmedPayload | BookingCancelledPayload | BookingCompletedPayload | BookingNoShowPayload;

function stateOf(booking: Booked, status: BookingEventState['status'], occurredAt: string): BookingEventState {
  return {
    bookingId: booking.id,
    instructorId: booking.instructorId,
    instructorUserId: booking.instructorUserId,
    studentUserId: booking.studentId,
    serviceId: booking.serviceId,
    status,
    startsAt: booking.startsAt,
    endsAt: booking.endsAt,
    durationMinutes: booking.durationMinutes,
    lessonMode: booking.lessonMode,
    price: { ...booking.price },
    paymentStatus: booking.paymentStatus,
    occurredAt,
  };
}

const event = <P extends BookingEventState>(type: BookingEventTypeName, booking: Booked, payload: P): NewEvent<P> => ({
  type,
  aggregateId: booking.id,
  payload,
  occurredAt: new Date(payload.occurredAt),
});

/**
 * The event announcing the booking's current status (after a transition); null for REQUESTED,
 * which is reserved (a slot held while payment is authorised) and not announced.
 */
export function bookingEventFor(booking: Booked): NewEvent<BookingEventPayload> | null {
  switch (booking.status) {
    case 'CONFIRMED':
      return event<BookingConfirmedPayload>(BookingEventType.Confirmed, booking, {
        ...stateOf(booking, 'CONFIRMED', booking.confirmedAt ?? new Date().toISOString()),
        status: 'CONFIRMED',
      });
    case 'CANCELLED': {
      const c = booking.cancellation!;
      return event<BookingCancelledPayload>(BookingEventType.Cancelled, booking, {
        ...stateOf(booking, 'CANCELLED', c.cancelledAt),
        status: 'CANCELLED',
        cancelledBy: c.cancelledBy,
        reason: c.reason,
        cancelledAt: c.cancelledAt,
      });
    }
    case 'COMPLETED': {
      const c = booking.completion!;
      return event<BookingCompletedPayload>(BookingEventType.Completed, booking, {
        ...stateOf(booking, 'COMPLETED', c.completedAt),
        status: 'COMPLETED',
        completedAt: c.completedAt,
        completedBy: c.completedBy,
      });
    }
    case 'NO_SHOW':
      return event<BookingNoShowPayload>(BookingEventType.NoShow, booking, {
        ...stateOf(booking, 'NO_SHOW', booking.noShowMarkedAt!),
        status: 'NO_SHOW',
        markedAt: booking.noShowMarkedAt!,
      });
    case 'REQUESTED':
      return null;
  }
}
