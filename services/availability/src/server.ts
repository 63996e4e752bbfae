import { join } from 'node:path';
import DataLoader from 'dataloader';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer, type Worker } from '@instainstru/platform';
import { loadAvailabilityConfig, type AvailabilityConfig } from './availability.config';
import type { AvailabilityContext } from './context';
import { AvailabilityWeeks } from './domain/availability-weeks.service';
import { BookableSlots, type NextSlotsRequest } from './domain/bookable-slots.service';
import { SlotHolds } from './domain/slot-holds.service';
import { PostgresCalendarStore } from './infra/calendar.repository';
import { holdRoutes } from './internal/hold.routes';
import { bookingHoldsWorker } from './jobs/booking-holds.consumer';
import { holdExpiryWorker } from './jobs/hold-expiry.job';
import { instructorCalendarWorker } from './jobs/instructor-calendar.consumer';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface AvailabilityOptions {
  config?: AvailabilityConfig;
  /** The current time (tests move it to prove notice, horizon and expiry). */
  clock?: () => Date;
}

function domain(deps: ServiceDeps, options: AvailabilityOptions) {
  const config = options.config ?? loadAvailabilityConfig();
  const clock = options.clock ?? (() => new Date());
  const store = new PostgresCalendarStore(deps.db);
  return {
    config,
    weeks: new AvailabilityWeeks(store, clock),
    bookable: new BookableSlots(store, config, clock),
    holds: new SlotHolds(store, config, clock),
  };
}

/** Builds the availability subgraph and its internal hold routes; it does not listen (index.ts does, tests mount it in-process). */
export function buildAvailabilityServer(deps: ServiceDeps, options: AvailabilityOptions = {}): Promise<SubgraphServer> {
  const { weeks, bookable, holds } = domain(deps, options);
  return buildSubgraph<AvailabilityContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({
      caller,
      weeks,
      bookable,
      nextSlots: new DataLoader((requests: readonly NextSlotsRequest[]) => bookable.nextForMany(requests), { cacheKeyFn: (r) => JSON.stringify([r.instructorId, r.first, r.durationMinutes]) }),
    }),
    routes: holdRoutes(deps, holds),
  });
}

/** The worker role: the instructor read model, booking events on holds, and the expiry sweeper. */
export function availabilityWorkers(deps: ServiceDeps, options: AvailabilityOptions = {}): Worker[] {
  const { config, holds } = domain(deps, options);
  return [instructorCalendarWorker(deps), bookingHoldsWorker(deps, config), holdExpiryWorker(deps, holds, config.holdSweepIntervalMs)];
}
