/**
 * The one synchronous call booking makes: availability holds `[startsAt, endsAt)` of an
 * instructor's calendar for a booking (idempotent on the booking id) and releases it.
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

export interface SlotHoldRequest {
  bookingId: string;
  instructorId: string;
  /** ISO 8601 instants in UTC. */
  startsAt: string;
  endsAt: string;
}

export interface SlotHold extends SlotHoldRequest {
  status: 'HELD' | 'CONFIRMED';
  expiresAt: string | null;
}
