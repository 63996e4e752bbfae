import { BookingEventType } from '@instainstru/events';
import { eventConsumerWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { AvailabilityConfig } from '../availability.config';
import { confirmBookedLesson, releaseCancelledLesson, type BookedLesson } from '../domain/slot-holds.service';
import { PostgresCalendarUnitOfWork } from '../infra/calendar.repository';

/** Confirmed bookings make their holds permanent; cancelled ones release them. */
export function bookingHoldsWorker(deps: ServiceDeps, config: AvailabilityConfig): Worker {
  const logger = deps.logger.child({ component: 'booking-holds' });
  return eventConsumerWorker(deps, {
    name: 'booking-holds',
    group: 'availability.booking-holds',
    handlers: {
      [BookingEventType.Confirmed]: (tx, event) =>
        confirmBookedLesson(new PostgresCalendarUnitOfWork(tx), event.payload as BookedLesson, config.bufferMinutes, (message, details) => logger.warn(details, message)),
      [BookingEventType.Cancelled]: (tx, event) => releaseCancelledLesson(new PostgresCalendarUnitOfWork(tx), event.payload as BookedLesson),
    },
  });
}
