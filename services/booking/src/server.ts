import { join } from 'node:path';
import { buildSubgraph, InternalClient, loadTypeDefs, type ServiceDeps, type SubgraphServer, type Worker } from '@instainstru/platform';
import { loadBookingConfig, type BookingConfig } from './booking.config';
import type { BookingContext } from './context';
import { BookingCreation } from './domain/booking-creation.service';
import { BookingLifecycle } from './domain/booking-lifecycle.service';
import type { BookingRepository, Clock } from './domain/booking.types';
import { Bookings } from './domain/bookings.service';
import type { SlotHolds } from './domain/slot-holds';
import { AvailabilitySlotHolds } from './infra/availability.client';
import { PostgresBookingRepository } from './infra/booking.repository';
import { autoCompleteBookingsJob } from './jobs/auto-complete-bookings.job';
import { instructorOfferingsWorker } from './jobs/instructor-offerings.consumer';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** The booking service's parts, built once per process and shared by the API and the workers. */
export interface BookingModule {
  config: BookingConfig;
  clock: Clock;
  repository: BookingRepository;
  holds: SlotHolds;
  creation: BookingCreation;
  lifecycle: BookingLifecycle;
}

export interface BookingModuleOptions {
  config?: BookingConfig;
  /** The current time (tests move it forward to complete lessons that have not happened yet). */
  clock?: Clock;
  /** Where slots are held; availability's internal routes unless given. */
  holds?: SlotHolds;
}

export function createBookingModule(deps: ServiceDeps, options: BookingModuleOptions = {}): BookingModule {
  const config = options.config ?? loadBookingConfig();
  const clock = options.clock ?? (() => new Date());
  const repository = new PostgresBookingRepository(deps.db, deps.outbox);
  let holds = options.holds;
  if (!holds) {
    const client = new InternalClient({
      from: 'booking',
      to: 'availability',
      baseUrl: config.availability.url,
      signingSecret: deps.config.signingSecret,
      timeoutMs: config.availability.timeoutMs,
    });
    deps.onClose(() => client.close());
    holds = new AvailabilitySlotHolds(client);
  }
  const creation = new BookingCreation(repository, holds, clock, deps.logger.child({ component: 'booking-creation' }), config.maxUpcomingPerStudent);
  const lifecycle = new BookingLifecycle(repository, clock);
  return { config, clock, repository, holds, creation, lifecycle };
}

/** The worker role's jobs besides the outbox relay: the instructor read model and the auto-complete scheduler. */
export function bookingWorkers(deps: ServiceDeps, module: BookingModule): Worker[] {
  const logger = deps.logger.child({ component: 'booking-jobs' });
  return [
    instructorOfferingsWorker(deps),
    autoCompleteBookingsJob(module.lifecycle, module.config.autoCompleteAfterMinutes, module.config.jobIntervalMs, logger),
  ];
}

/** Builds the booking subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildBookingServer(deps: ServiceDeps, module: BookingModule = createBookingModule(deps)): Promise<SubgraphServer> {
  return buildSubgraph<BookingContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({
      caller,
      bookings: new Bookings(module.repository, caller, module.clock),
      creation: module.creation,
      lifecycle: module.lifecycle,
    }),
  });
}
