import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { DateTime } from 'luxon';
import { decodeInstantIdCursor, encodeOpaqueCursor, isPageSize, MAX_PAGE_SIZE } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import type { BookingPageKey, InstructorOffering, LessonMode, OfferedServiceTerms, Price } from './booking.types';

export const MIN_DURATION_MINUTES = 15;
export const MAX_DURATION_MINUTES = 240;
export const MAX_NOTES_LENGTH = 1000;
export const MAX_REASON_LENGTH = 1000;
export const DEFAULT_PAGE_SIZE = 20;
/** The longest window instructorSchedule answers in one call. */
export const MAX_SCHEDULE_DAYS = 93;
/** Active upcoming bookings one student may hold unless configured (BOOKING_MAX_UPCOMING_PER_STUDENT). */
export const DEFAULT_MAX_UPCOMING_PER_STUDENT = 20;

/** An ISO 8601 date-time that names its offset (Z or ±HH:MM): an instant, never a local time. */
const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Parses an instant given with its offset; null for anything else (local times included). */
export function parseInstant(raw: string): Date | null {
  if (!INSTANT_WITH_OFFSET.test(raw)) return null;
  const parsed = DateTime.fromISO(raw, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : null;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,100}$/;
/** Namespace of the booking ids derived from a student's idempotency keys (UUID v5). */
const IDEMPOTENT_BOOKING_NAMESPACE = '5b0f3b1e-4a53-4c55-9d3e-1a7c2b8f6e21';

/**
 * The booking id a create with this idempotency key makes: the same for every retry of one
 * student's key, different across students. Without a key, a fresh random id.
 */
export function bookingIdFor(studentId: string, idempotencyKey: string | null | undefined): string {
  if (idempotencyKey == null) return randomUUID();
  return uuidv5(`${studentId}\n${requireIdempotencyKey(idempotencyKey)}`, IDEMPOTENT_BOOKING_NAMESPACE);
}

/** A client's idempotency key: 8 to 100 printable ASCII characters without spaces (the one rule of every mutation taking one). */
export function requireIdempotencyKey(idempotencyKey: string): string {
  if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
    throw new BookingError(BookingErrorCode.InvalidIdempotencyKey, 'idempotencyKey must be 8 to 100 printable ASCII characters without spaces', {
      length: idempotencyKey.length,
    });
  }
  return idempotencyKey;
}

export function requireStartsAt(raw: string): Date {
  const startsAt = parseInstant(raw);
  if (!startsAt) {
    throw new BookingError(
      BookingErrorCode.InvalidStartTime,
      'startsAt must be an ISO 8601 instant with its offset, e.g. 2030-05-04T14:00:00Z or 2030-05-04T10:00:00-04:00',
      { startsAt: raw.slice(0, 64) },
    );
  }
  return startsAt;
}

export function requireDuration(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < MIN_DURATION_MINUTES || minutes > MAX_DURATION_MINUTES) {
    throw new BookingError(BookingErrorCode.InvalidDuration, `durationMinutes must be a whole number from ${MIN_DURATION_MINUTES} to ${MAX_DURATION_MINUTES}`, {
      min: MIN_DURATION_MINUTES,
      max: MAX_DURATION_MINUTES,
    });
  }
  return minutes;
}

/** Blank notes are no notes. */
export function normaliseNotes(notes: string | null | undefined): string | null {
  const trimmed = notes?.trim() ?? '';
  if (trimmed.length > MAX_NOTES_LENGTH) {
    throw new BookingError(BookingErrorCode.NotesTooLong, `notes may have at most ${MAX_NOTES_LENGTH} characters`, { maxLength: MAX_NOTES_LENGTH, length: trimmed.length });
  }
  return trimmed === '' ? null : trimmed;
}

export function normaliseReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? '';
  if (trimmed.length > MAX_REASON_LENGTH) {
    throw new BookingError(BookingErrorCode.ReasonTooLong, `reason may have at most ${MAX_REASON_LENGTH} characters`, { maxLength: MAX_REASON_LENGTH, length: trimmed.length });
  }
  return trimmed === '' ? null : trimmed;
}

/**
 * The lesson's price: hourly rate × duration / 60 in minor units, rounded half up to a whole
 * minor unit (a 45-minute lesson at 65.55/h costs 49.1625 → 49.16; at 65.50/h, 49.125 → 49.13).
 */
export function lessonPrice(hourlyRate: Price, durationMinutes: number): Price {
  return { amountMinor: Math.floor((hourlyRate.amountMinor * durationMinutes + 30) / 60), currency: hourlyRate.currency };
}

export interface BookingRequest {
  studentId: string;
  serviceId: string;
  durationMinutes: number;
  lessonMode: LessonMode;
}

/**
 * Whether the instructor can be booked for this request, from booking's read model of the
 * instructor; answers the offered service's terms or throws the first rule broken.
 */
export function bookableTerms(offering: InstructorOffering | null, instructorId: string, request: BookingRequest): OfferedServiceTerms {
  if (!offering) throw new BookingError(BookingErrorCode.InstructorNotFound, `No instructor with id "${instructorId.slice(0, 64)}"`, { instructorId: instructorId.slice(0, 64) });
  if (offering.userId === request.studentId) throw new BookingError(BookingErrorCode.CannotBookSelf, 'You cannot book a lesson with yourself');
  if (!offering.isLive) throw new BookingError(BookingErrorCode.InstructorNotLive, 'This instructor is not taking bookings right now', { instructorId });
  const terms = offering.offeredServices.find((s) => s.serviceId === request.serviceId);
  if (!terms) {
    throw new BookingError(BookingErrorCode.ServiceNotOffered, 'The instructor does not offer this service', {
      serviceId: request.serviceId.slice(0, 64),
      offeredServiceIds: offering.offeredServices.map((s) => s.serviceId),
    });
  }
  if (!terms.durationsMinutes.includes(request.durationMinutes)) {
    throw new BookingError(BookingErrorCode.DurationNotOffered, `The instructor does not offer ${request.durationMinutes}-minute lessons of this service`, {
      durationMinutes: request.durationMinutes,
      offeredDurationsMinutes: [...terms.durationsMinutes].sort((a, b) => a - b),
    });
  }
  if (!terms.lessonModes.includes(request.lessonMode)) {
    throw new BookingError(BookingErrorCode.LessonModeNotOffered, 'The instructor does not offer this lesson mode for this service', {
      lessonMode: request.lessonMode,
      offeredLessonModes: terms.lessonModes,
    });
  }
  return terms;
}

/** A page size: `first` from 1 to 50 (20 when omitted), the one rule of every connection in the API. */
export function requirePageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!isPageSize(size)) {
    throw new BookingError(BookingErrorCode.InvalidPageSize, `first must be between 1 and ${MAX_PAGE_SIZE}`, { first: size, max: MAX_PAGE_SIZE });
  }
  return size;
}

export function encodeCursor(key: BookingPageKey): string {
  return encodeOpaqueCursor([key.startsAt, key.id]);
}

export function decodeCursor(cursor: string | null | undefined): BookingPageKey | null {
  if (cursor === null || cursor === undefined) return null;
  const key = decodeInstantIdCursor(cursor);
  if (key && parseInstant(key.at)) return { startsAt: key.at, id: key.id };
  throw new BookingError(BookingErrorCode.InvalidCursor, 'after is not a cursor this query returned');
}

/** The window of instructorSchedule: both ends instants with offsets, from < to, at most MAX_SCHEDULE_DAYS long. */
export function requireScheduleWindow(fromRaw: string, toRaw: string): { from: Date; to: Date } {
  const from = parseInstant(fromRaw);
  const to = parseInstant(toRaw);
  if (!from || !to || to <= from || to.getTime() - from.getTime() > MAX_SCHEDULE_DAYS * 86_400_000) {
    throw new BookingError(BookingErrorCode.InvalidTimeRange, `from and to must be ISO 8601 instants with offsets, from before to, at most ${MAX_SCHEDULE_DAYS} days apart`, {
      maxDays: MAX_SCHEDULE_DAYS,
    });
  }
  return { from, to };
}
