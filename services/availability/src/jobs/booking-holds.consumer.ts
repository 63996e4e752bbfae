import { topicForEventType } from '@instainstru/events';
import { IdempotentConsumer, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { AvailabilityConfig } from '../availability.config';
import { confirmBookedLesson, releaseCancelledLesson, type BookedLesson } from '../domain/slot-holds.service';
import { PostgresCalendarRepository } from '../infra/calendar.repository';

export const BookingEventType = { Confirmed: 'booking.confirmed', Cancelled: 'booking.cancelled' } as const;

export const bookingHoldsGroup = (deps: ServiceDeps) => `${deps.config.kafka.topicPrefix}availability.booking-holds`;

/** Confirmed bookings make their holds permanent; cancelled ones release them. */
export function bookingHoldsWorker(deps: ServiceDeps, config: AvailabilityConfig): Worker {
  const prefix = deps.config.kafka.topicPrefix;
  const logger = deps.logger.child({ component: 'booking-holds' });
  const topics = [topicForEventType(BookingEventType.Confirmed, prefix)];
  const consumer = new IdempotentConsumer({
    db: deps.db,
    bus: deps.bus,
    schemas: deps.schemas,
    logger,
    metrics: deps.metrics,
    groupId: bookingHoldsGroup(deps),
    topics,
    handlers: {
      [BookingEventType.Confirmed]: (tx, event) =>
        confirmBookedLesson(new PostgresCalendarRepository(tx), event.payload as BookedLesson, config.bufferMinutes, (message, details) => logger.warn(details, message)),
      [BookingEventType.Cancelled]: (tx, event) => releaseCancelledLesson(new PostgresCalendarRepository(tx), event.payload as BookedLesson),
    },
    maxAttempts: deps.config.consumerMaxAttempts,
    topicPrefix: prefix,
  });
  return {
    name: 'booking-holds',
    async start() {
      await deps.bus.ensureTopics(topics);
      await consumer.start();
    },
    stop: () => consumer.stop(),
  };
}
