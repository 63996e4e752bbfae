import { hasRole, type Caller } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import type { Booking, BookingRepository } from './booking.types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A booking is visible to its student, its instructor and admins only. */
export function isParty(caller: Caller, booking: Booking): boolean {
  return hasRole(caller, 'admin') || caller.userId === booking.studentId || caller.userId === booking.instructorUserId;
}

export class Bookings {
  constructor(
    private readonly repository: BookingRepository,
    private readonly caller: Caller,
  ) {}

  async visibleBooking(id: string): Promise<Booking | null> {
    if (!this.caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to see bookings');
    const booking = UUID.test(id) ? await this.repository.findById(id) : null;
    return booking && isParty(this.caller, booking) ? booking : null;
  }

  async requireVisibleBooking(id: string): Promise<Booking> {
    const booking = await this.visibleBooking(id);
    if (!booking) throw new BookingError(BookingErrorCode.BookingNotFound, `No booking with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
    return booking;
  }
}
