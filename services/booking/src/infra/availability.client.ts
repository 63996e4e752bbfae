import { ApiErrorCode, InternalClient, RemoteServiceError } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from '../domain/booking.errors';
import type { SlotHold, SlotHoldRequest, SlotHolds } from '../domain/slot-holds';

/** Answers that say nothing about whether the call took effect. */
const UNKNOWN_OUTCOME = new Set<ApiErrorCode>([ApiErrorCode.ServiceUnavailable, ApiErrorCode.Internal]);

/** Slot holds through availability's internal routes (signed service-to-service JSON calls). */
export class AvailabilitySlotHolds implements SlotHolds {
  constructor(private readonly client: InternalClient) {}

  hold(request: SlotHoldRequest): Promise<SlotHold> {
    return this.call(() => this.client.post<SlotHold>('/internal/holds/hold', request));
  }

  async release(bookingId: string): Promise<boolean> {
    const { released } = await this.call(() => this.client.post<{ released: boolean }>('/internal/holds/release', { bookingId }));
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
