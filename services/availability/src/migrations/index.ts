import { AvailabilityInitial1763900000000 } from './1763900000000-availability-initial';

/** Every availability migration, oldest first. */
export const migrations = [AvailabilityInitial1763900000000];
