import { BookingInitial1763900000000 } from './1763900000000-booking-initial';

/** Every booking migration, oldest first. */
export const migrations = [BookingInitial1763900000000];
