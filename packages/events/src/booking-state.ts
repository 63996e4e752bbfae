import type { BookingCancelledV1, BookingCompletedV1 } from './__generated__';
import type { BookingEventTypeName, EventPayload } from './event-types';

/** The payload of any booking event (the generated types of schemas/events/booking.*.v1.json). */
export type BookingEventPayload = EventPayload<BookingEventTypeName>;

/**
 * The state every booking event carries, so a consumer can act on any one event. Times are
 * ISO 8601 instants in UTC; price is in minor units; paymentStatus is NOT_STARTED until payments
 * drive it, and consumers tolerate values they do not know.
 */
export type BookingEventState = Pick<BookingEventPayload, keyof BookingEventPayload>;

/** Lesson modes, as the events name them. */
export type LessonModeValue = BookingEventState['lessonMode'];
export type CancelledByValue = BookingCancelledV1['cancelledBy'];
export type CompletedByValue = BookingCompletedV1['completedBy'];
