import type { Caller } from '@instainstru/platform';
import type { BookingCreation } from './domain/booking-creation.service';
import type { BookingLifecycle } from './domain/booking-lifecycle.service';
import type { Bookings } from './domain/bookings.service';

/** Per request: the caller, what they may read, and the use cases acting for them. */
export interface BookingContext {
  caller: Caller;
  bookings: Bookings;
  creation: BookingCreation;
  lifecycle: BookingLifecycle;
}
