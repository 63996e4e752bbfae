import type { HeldSlot, HoldSlotRequest } from '@instainstru/events';

/**
 * The one synchronous call booking makes: availability holds `[startsAt, endsAt)` of an
 * instructor's calendar for a booking (idempotent on the booking id) and releases it. The call's
 * paths, bodies and refusal reasons are declared once, in the slot-hold contract
 * (packages/events/src/internal/slot-holds.ts).
 *
 * A refusal (the slot is taken, outside availability, in the past, …) is thrown as the
 * availability error itself, with its code and reason; an unknown outcome (availability unreachable,
 * timed out or failed) as BookingError AVAILABILITY_UNAVAILABLE.
 */
export interface SlotHolds {
  hold(request: SlotHoldRequest): Promise<SlotHold>;
  /** True when a hold was released; false when there was none (releasing twice is fine). */
  release(bookingId: string): Promise<boolean>;
}

/** Instants are ISO 8601 in UTC. */
export type SlotHoldRequest = HoldSlotRequest;
export type SlotHold = HeldSlot;
