import { join } from 'node:path';
import DataLoader from 'dataloader';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import { loadAvailabilityConfig, type AvailabilityConfig } from './availability.config';
import type { AvailabilityContext } from './context';
import { AvailabilityWeeks } from './domain/availability-weeks.service';
import { BookableSlots, type NextSlotsRequest } from './domain/bookable-slots.service';
import { applyInstructorState, type CalendarState } from './domain/instructor-calendar.service';
import { SlotHolds } from './domain/slot-holds.service';
import { holdRoutes } from './http/hold.routes';
import { PostgresCalendarRepository } from './infra/calendar.repository';
import { seedAvailability, type SeedAvailabilityResult } from './infra/seed/seed-availability';
import { bookingHoldsWorker } from './jobs/booking-holds.consumer';
import { holdExpiryWorker } from './jobs/hold-expiry.job';
import { instructorCalendarWorker } from './jobs/instructor-calendar.consumer';
import { resolvers } from './resolvers';

export { loadAvailabilityConfig, type AvailabilityConfig } from './availability.config';
export type { BookableSlot } from './domain/availability.types';
export type { CalendarState } from './domain/instructor-calendar.service';
export type { HoldRequest, SlotHolds } from './domain/slot-holds.service';
export type { SeedAvailabilityResult } from './infra/seed/seed-availability';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface AvailabilityModuleOptions {
  config?: AvailabilityConfig;
  /** The current time (tests move it to prove notice, horizon and expiry). */
  clock?: () => Date;
}

/** The availability service, built once per process and shared by its API and its workers. */
export interface AvailabilityModule extends ServiceModule {
  /** The settings this module runs with (notice, horizon, buffer, hold expiry). */
  readonly config: AvailabilityConfig;
  /** Reading and publishing instructors' weeks (seeds and benches publish through it, as instructors do). */
  readonly weeks: AvailabilityWeeks;
  /** Holding and releasing slots, as the internal hold routes do (the bench holds in-process). */
  readonly holds: SlotHolds;
  /** Applies an instructor's state to availability's calendar, as the instructor events do (seeds and benches). */
  applyInstructorState(state: CalendarState): Promise<boolean>;
  /** Publishes demo weeks for every live instructor the calendar knows, through the instructors' own use case; weeks already there are kept (scripts/seed-calendar.ts). */
  seed(options: { weeks: number; now?: Date }): Promise<SeedAvailabilityResult>;
}

export function createAvailabilityModule(deps: ServiceDeps, options: AvailabilityModuleOptions = {}): AvailabilityModule {
  const config = options.config ?? loadAvailabilityConfig();
  const clock = options.clock ?? (() => new Date());
  const calendar = new PostgresCalendarRepository(deps.db);
  const weeks = new AvailabilityWeeks(calendar, clock);
  const bookable = new BookableSlots(calendar, config, clock);
  const holds = new SlotHolds(calendar, config, clock);
  return {
    config,
    weeks,
    holds,
    applyInstructorState: (state) => calendar.transaction((uow) => applyInstructorState(uow, state)),
    seed: (seedOptions) => seedAvailability(deps.db, seedOptions),
    /** The availability subgraph and its internal hold routes; it does not listen (runService does, tests mount it in-process). */
    subgraph: (): Promise<SubgraphServer> =>
      buildSubgraph<AvailabilityContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({
          caller,
          weeks,
          bookable,
          nextSlots: new DataLoader((requests: readonly NextSlotsRequest[]) => bookable.nextForMany(requests), { cacheKeyFn: (r) => JSON.stringify([r.instructorId, r.first, r.durationMinutes]) }),
        }),
        routes: holdRoutes(deps, holds),
      }),
    /** The worker role: the instructor read model, booking events on holds, and the expiry sweeper. */
    workers: (): Worker[] => [instructorCalendarWorker(deps), bookingHoldsWorker(deps, config), holdExpiryWorker(deps, holds, config.holdSweepIntervalMs)],
  };
}
