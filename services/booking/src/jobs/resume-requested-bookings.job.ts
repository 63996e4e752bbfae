import type { Logger, Worker } from '@instainstru/platform';
import { resumeRequestedBookings, type BookingCreation } from '../domain/booking-creation.service';
import type { BookingRepository, Clock } from '../domain/booking.types';
import { periodicJob } from './periodic-job';

/** Settles creates whose process died between inserting the booking and confirming it. */
export function resumeRequestedBookingsJob(repository: BookingRepository, creation: BookingCreation, clock: Clock, intervalMs: number, logger: Logger): Worker {
  return periodicJob('resume-requested-bookings', intervalMs, logger, () => resumeRequestedBookings(repository, creation, clock));
}
