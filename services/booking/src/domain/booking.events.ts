import { BookingEventType, type BookingEventPayload, type BookingEventState, type BookingEventTypeName, type EventPayload, type NewEvent } from '@instainstru/events';
import type { Booking as Booked } from './booking.types';

export { BookingEventType } from '@instainstru/events';

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

/** An event of `type`, its payload checked against that type's generated payload type. */
const event = <Type extends BookingEventTypeName>(type: Type, booking: Booked, payload: EventPayload<Type>): NewEvent<EventPayload<Type>> => ({
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
      return event(BookingEventType.Confirmed, booking, {
        ...stateOf(booking, 'CONFIRMED', booking.confirmedAt ?? new Date().toISOString()),
        status: 'CONFIRMED',
      });
    case 'CANCELLED': {
      const c = booking.cancellation!;
      return event(BookingEventType.Cancelled, booking, {
        ...stateOf(booking, 'CANCELLED', c.cancelledAt),
        status: 'CANCELLED',
        cancelledBy: c.cancelledBy,
        reason: c.reason,
        cancelledAt: c.cancelledAt,
      });
    }
    case 'COMPLETED': {
      const c = booking.completion!;
      return event(BookingEventType.Completed, booking, {
        ...stateOf(booking, 'COMPLETED', c.completedAt),
        status: 'COMPLETED',
        completedAt: c.completedAt,
        completedBy: c.completedBy,
      });
    }
    case 'NO_SHOW':
      return event(BookingEventType.NoShow, booking, {
        ...stateOf(booking, 'NO_SHOW', booking.noShowMarkedAt!),
        status: 'NO_SHOW',
        markedAt: booking.noShowMarkedAt!,
      });
    case 'REQUESTED':
      return null;
  }
}
