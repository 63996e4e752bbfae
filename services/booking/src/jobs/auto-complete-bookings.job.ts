import { periodicJob, type Logger, type Worker } from '@instainstru/platform';
import type { BookingLifecycle } from '../domain/booking-lifecycle.service';

/** Completes (by SYSTEM) confirmed lessons that ended more than `afterMinutes` ago. */
export function autoCompleteBookingsJob(lifecycle: BookingLifecycle, afterMinutes: number, intervalMs: number, logger: Logger): Worker {
  return periodicJob('auto-complete-bookings', intervalMs, logger, () => lifecycle.autoCompleteEndedBookings(afterMinutes));
}
