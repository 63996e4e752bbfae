import type { Caller } from '@instainstru/platform';
import type { Bookings } from './domain/bookings.service';

export interface BookingContext {
  caller: Caller;
  bookings: Bookings;
}
