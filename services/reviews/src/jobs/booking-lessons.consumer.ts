import { BookingEventType, type EventPayload } from '@instainstru/events';
import { eventConsumerWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { Lesson, LessonStatus } from '../domain/review.types';
import { applyLesson } from '../infra/review.repository';

type BookingFact = EventPayload<'booking.confirmed'> | EventPayload<'booking.completed'> | EventPayload<'booking.cancelled'> | EventPayload<'booking.no-show'>;

function lessonOf(payload: BookingFact, status: LessonStatus): Lesson {
  return {
    bookingId: payload.bookingId,
    studentUserId: payload.studentUserId,
    instructorId: payload.instructorId,
    instructorUserId: payload.instructorUserId,
    serviceId: payload.serviceId,
    status,
    startsAt: payload.startsAt,
    completedAt: 'completedAt' in payload ? payload.completedAt : null,
  };
}

/** Booking's events make the lessons reviews knows: who may review which lesson, and from when. */
export function bookingLessonsWorker(deps: ServiceDeps): Worker {
  return eventConsumerWorker(deps, {
    name: 'booking-lessons',
    group: 'reviews.booking-lessons',
    handlers: {
      [BookingEventType.Confirmed]: (tx, event) => applyLesson(tx, lessonOf(event.payload as BookingFact, 'CONFIRMED')),
      [BookingEventType.Completed]: (tx, event) => applyLesson(tx, lessonOf(event.payload as BookingFact, 'COMPLETED')),
      [BookingEventType.Cancelled]: (tx, event) => applyLesson(tx, lessonOf(event.payload as BookingFact, 'CANCELLED')),
      [BookingEventType.NoShow]: (tx, event) => applyLesson(tx, lessonOf(event.payload as BookingFact, 'NO_SHOW')),
    },
  });
}
