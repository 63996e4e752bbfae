import type { InstructorLessonMode } from './instructor-state';

/**
 * The booking events (schemas/events/booking.*.v1.json, topic `<prefix>booking.events`): the booking
 * service publishes them, availability and later the payments flow consume them.
 */
export const BookingEventType = {
  Confirmed: 'booking.confirmed',
  Cancelled: 'booking.cancelled',
  Completed: 'booking.completed',
  NoShow: 'booking.no-show',
} as const;

export type BookingEventTypeName = (typeof BookingEventType)[keyof typeof BookingEventType];

/** Lesson modes, as the instructor events name them. */
export type LessonModeValue = InstructorLessonMode;
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

