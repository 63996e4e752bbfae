import { randomUUID } from 'node:crypto';
import { createEnvelope, type EventEnvelope } from '@instainstru/events';

export interface TestLesson {
  bookingId?: string;
  studentUserId: string;
  instructorId: string;
  instructorUserId: string;
  serviceId: string;
  startsAt: Date;
  /** For booking.completed: when it was completed (the lesson's end by default). */
  completedAt?: Date;
}

/** A booking event about a 60-minute online lesson, as the booking service publishes it (whole state). */
export function lessonEvent(type: 'booking.confirmed' | 'booking.completed' | 'booking.cancelled' | 'booking.no-show', lesson: TestLesson, occurredAt = new Date()): EventEnvelope {
  const bookingId = lesson.bookingId ?? randomUUID();
  const endsAt = new Date(lesson.startsAt.getTime() + 3_600_000);
  const state = {
    bookingId,
    instructorId: lesson.instructorId,
    instructorUserId: lesson.instructorUserId,
    studentUserId: lesson.studentUserId,
    serviceId: lesson.serviceId,
    startsAt: lesson.startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    durationMinutes: 60,
    lessonMode: 'online',
    price: { amountMinor: 6000, currency: 'USD' },
    paymentStatus: 'NOT_STARTED',
    occurredAt: occurredAt.toISOString(),
  };
  const byType = {
    'booking.confirmed': { status: 'CONFIRMED' },
    'booking.completed': { status: 'COMPLETED', completedAt: (lesson.completedAt ?? endsAt).toISOString(), completedBy: 'INSTRUCTOR' },
    'booking.cancelled': { status: 'CANCELLED', cancelledBy: 'STUDENT', reason: null, cancelledAt: occurredAt.toISOString() },
    'booking.no-show': { status: 'NO_SHOW', markedAt: occurredAt.toISOString() },
  }[type];
  return createEnvelope({ type, aggregateId: bookingId, occurredAt, payload: { ...state, ...byType } });
}
