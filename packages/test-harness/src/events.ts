/**
 * Events as other services publish them (each valid against its schema in schemas/events), and
 * publishing them onto a stack's topics, as the producing service's outbox relay would.
 */
import { randomUUID } from 'node:crypto';
import zipcodes from 'zipcodes';
import { createEnvelope, topicForEventType, type EventEnvelope } from '@instainstru/events';
import type { TestStack } from './gateway-stack';

/** The terms of one service an instructor offers; what a test leaves out takes a plain default. */
export interface OfferedTerms {
  serviceId?: string;
  offeredServiceId?: string;
  /** The hourly rate in US cents (6500 unless given). */
  rateMinor?: number;
  durationsMinutes?: number[];
  ageGroups?: string[];
  levels?: string[];
  lessonModes?: string[];
  /** 10 miles for lessons at the student's place, none otherwise, unless given. */
  travelRadiusMiles?: number | null;
}

/** An instructor's whole public state, as the instructor service's state events carry it. */
export interface InstructorState {
  instructorId?: string;
  /** `teacher-` and the id's first eight characters unless given. */
  userId?: string;
  revision?: number;
  isLive?: boolean;
  displayName?: string;
  bio?: string | null;
  yearsOfExperience?: number | null;
  timezone?: string;
  /** Placed at this ZIP code's centre, rounded to 0.01 degree as the events carry it; nowhere without. */
  postalCode?: string | null;
  offered?: OfferedTerms[];
}

/** `instructor.went-live` (or `instructor.went-offline` when not live) carrying the instructor's whole state. */
export function instructorStateEvent(state: InstructorState = {}): EventEnvelope {
  const instructorId = state.instructorId ?? randomUUID();
  const isLive = state.isLive ?? true;
  const zip = state.postalCode ? zipcodes.lookup(state.postalCode) : undefined;
  if (state.postalCode && !zip) throw new Error(`unknown ZIP ${state.postalCode}`);
  const round = (n: number) => Math.round(n * 100) / 100;
  const type = isLive ? 'instructor.went-live' : 'instructor.went-offline';
  return createEnvelope({
    type,
    aggregateId: instructorId,
    payload: {
      instructorId,
      userId: state.userId ?? `teacher-${instructorId.slice(0, 8)}`,
      revision: state.revision ?? 1,
      instructor: {
        displayName: state.displayName ?? 'Test Instructor',
        bio: state.bio ?? null,
        yearsOfExperience: state.yearsOfExperience === undefined ? 5 : state.yearsOfExperience,
        timezone: state.timezone ?? 'America/New_York',
        isLive,
        hasPhoto: false,
        area: zip ? { city: zip.city, state: zip.state, postalCode: zip.zip } : null,
        location: zip ? { latitude: round(zip.latitude), longitude: round(zip.longitude) } : null,
      },
      offeredServices: (state.offered ?? []).map((o) => {
        const lessonModes = o.lessonModes ?? ['online'];
        return {
          offeredServiceId: o.offeredServiceId ?? randomUUID(),
          serviceId: o.serviceId ?? randomUUID(),
          hourlyRate: { amountMinor: o.rateMinor ?? 6500, currency: 'USD' },
          durationsMinutes: o.durationsMinutes ?? [60, 30],
          ageGroups: o.ageGroups ?? ['adults'],
          levels: o.levels ?? ['beginner'],
          lessonModes,
          travelRadiusMiles: o.travelRadiusMiles !== undefined ? o.travelRadiusMiles : lessonModes.includes('at_student_place') ? 10 : null,
        };
      }),
      ...(isLive ? {} : { reason: 'INSTRUCTOR_REQUEST' }),
    },
  });
}

export interface Lesson {
  bookingId: string;
  instructorId: string;
  startsAt: string;
  endsAt: string;
}

/** A booking event as the booking service publishes it (schemas/events/booking.*.v1.json). */
export function bookingEvent(type: 'booking.confirmed' | 'booking.cancelled', lesson: Lesson): EventEnvelope {
  const durationMinutes = Math.round((Date.parse(lesson.endsAt) - Date.parse(lesson.startsAt)) / 60_000);
  const now = new Date().toISOString();
  return createEnvelope({
    type,
    aggregateId: lesson.bookingId,
    payload: {
      bookingId: lesson.bookingId,
      instructorId: lesson.instructorId,
      instructorUserId: 'instructor-user',
      studentUserId: 'student-user',
      serviceId: randomUUID(),
      status: type === 'booking.confirmed' ? 'CONFIRMED' : 'CANCELLED',
      startsAt: new Date(lesson.startsAt).toISOString(),
      endsAt: new Date(lesson.endsAt).toISOString(),
      durationMinutes,
      lessonMode: 'online',
      price: { amountMinor: 6000, currency: 'USD' },
      paymentStatus: 'NOT_STARTED',
      occurredAt: now,
      ...(type === 'booking.cancelled' ? { cancelledBy: 'STUDENT', reason: null, cancelledAt: now } : {}),
    },
  });
}

/**
 * Publishes events onto their topics under the stack's prefix, keyed by aggregate, as the producing
 * service's outbox relay would; each is first checked against its schema, so a test never feeds a
 * consumer an event no producer could publish.
 */
export async function publishEvents(stack: TestStack, events: EventEnvelope[]): Promise<void> {
  const deps = Object.values(stack.deps)[0];
  if (!deps) throw new Error('the stack runs no service to publish with');
  for (const event of events) deps.schemas.validate(event);
  await deps.bus.publish(
    events.map((event) => ({ topic: topicForEventType(event.type, deps.config.kafka.topicPrefix), key: event.aggregateId, value: JSON.stringify(event), headers: {} })),
  );
}
