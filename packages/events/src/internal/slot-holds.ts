import { z } from 'zod';

/**
 * The one synchronous call between services (DESIGN §1, §4), declared once: booking asks
 * availability to hold `[startsAt, endsAt)` of an instructor's calendar for a booking (idempotent
 * on the booking id) and to release it. Availability's internal routes parse their bodies with
 * these schemas and answer these shapes; booking's client sends and parses with the same ones.
 * Signed JSON POSTs (`internalRoute` / `InternalClient` of the platform kit); answers travel as
 * `{ data }`, refusals as `{ error: { code, reason, message, details } }`.
 */
export const SlotHoldPath = {
  Hold: '/internal/holds/hold',
  Release: '/internal/holds/release',
} as const;

/** An ISO 8601 instant with its offset (`Z` for UTC). */
const instant = z.iso.datetime({ offset: true });

export const holdSlotRequest = z.object({ bookingId: z.guid(), instructorId: z.guid(), startsAt: instant, endsAt: instant });

/** The hold as it stands: new, or the booking's existing one when asked again with the same slot. */
export const heldSlot = z.object({
  bookingId: z.guid(),
  instructorId: z.guid(),
  startsAt: instant,
  endsAt: instant,
  status: z.enum(['HELD', 'CONFIRMED']),
  /** When an unconfirmed hold stops blocking; null once confirmed. */
  expiresAt: instant.nullable(),
});

export const releaseHoldRequest = z.object({ bookingId: z.guid() });

/** released: false when the booking had no hold (releasing twice is fine). */
export const releaseHoldResponse = z.object({ released: z.boolean() });

export type HoldSlotRequest = z.infer<typeof holdSlotRequest>;
export type HeldSlot = z.infer<typeof heldSlot>;
export type ReleaseHoldRequest = z.infer<typeof releaseHoldRequest>;
export type ReleaseHoldResponse = z.infer<typeof releaseHoldResponse>;

/**
 * Why availability refuses a hold (the error's `reason`; its `code` in brackets). Besides these,
 * any internal route answers the platform's own reasons: INVALID_REQUEST (a body these schemas
 * refuse), BAD_CALLER_SIGNATURE, SERVICE_NOT_ALLOWED, METHOD_NOT_ALLOWED, BODY_TOO_LARGE.
 */
export const SlotHoldRefusal = {
  /** [BAD_USER_INPUT] endsAt is not after startsAt, or the range is longer than any lesson. */
  InvalidHoldRange: 'INVALID_HOLD_RANGE',
  /** [BAD_USER_INPUT] */
  SlotInPast: 'SLOT_IN_PAST',
  /** [BAD_USER_INPUT] */
  InsideMinimumNotice: 'INSIDE_MINIMUM_NOTICE',
  /** [BAD_USER_INPUT] */
  BeyondBookingHorizon: 'BEYOND_BOOKING_HORIZON',
  /** [NOT_FOUND] availability does not know the instructor. */
  InstructorNotFound: 'INSTRUCTOR_NOT_FOUND',
  /** [CONFLICT] the booking already holds another slot. */
  HoldMismatch: 'HOLD_MISMATCH',
  /** [CONFLICT] */
  OutsideAvailability: 'OUTSIDE_AVAILABILITY',
  /** [CONFLICT] the slot overlaps another held or booked lesson (buffers included). */
  SlotUnavailable: 'SLOT_UNAVAILABLE',
} as const;

export type SlotHoldRefusalReason = (typeof SlotHoldRefusal)[keyof typeof SlotHoldRefusal];
