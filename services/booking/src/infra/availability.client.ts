import { heldSlot, holdSlotRequest, releaseHoldRequest, releaseHoldResponse, SlotHoldPath } from '@instainstru/events';
import { ApiErrorCode, InternalClient, RemoteServiceError } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from '../domain/booking.errors';
import type { SlotHold, SlotHoldRequest, SlotHolds } from '../domain/slot-holds.ports';

/** Answers that say nothing about whether the call took effect. */
const UNKNOWN_OUTCOME = new Set<ApiErrorCode>([ApiErrorCode.ServiceUnavailable, ApiErrorCode.Internal]);

/**
 * Slot holds through availability's internal routes (signed service-to-service JSON calls), sent
 * and read with the slot-hold contract's schemas. A request the contract refuses is a bug here and
 * throws as it is; an answer it refuses leaves the outcome unknown (AVAILABILITY_UNAVAILABLE).
 */
export class AvailabilitySlotHolds implements SlotHolds {
  constructor(private readonly client: InternalClient) {}

  async hold(request: SlotHoldRequest): Promise<SlotHold> {
    const body = holdSlotRequest.parse(request);
    return this.call(async () => heldSlot.parse(await this.client.post(SlotHoldPath.Hold, body)));
  }

  async release(bookingId: string): Promise<boolean> {
    const body = releaseHoldRequest.parse({ bookingId });
    const { released } = await this.call(async () => releaseHoldResponse.parse(await this.client.post(SlotHoldPath.Release, body)));
    return released;
  }

  close(): void {
    this.client.close();
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RemoteServiceError && !UNKNOWN_OUTCOME.has(error.apiCode)) throw error;
      throw new BookingError(BookingErrorCode.AvailabilityUnavailable, 'Booking is unavailable right now (the calendar could not be reached); please try again', {
        service: 'availability',
      });
    }
  }
}
