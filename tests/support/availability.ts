/**
 * What of the availability service its tests run in-process, through its module: its subgraph and its workers.
 * Everything else (weeks, holds, events, SQL) is in @instainstru/test-harness, which never imports a service.
 */
import type { InternalClient } from '@instainstru/platform';
import { holdClient, outboxRelayWorker, startStack, startWorkers, testClock, type RunningWorkers, type SubgraphBuilder, type TestClock, type TestStack } from '@instainstru/test-harness';
import { createAvailabilityModule, type AvailabilityConfig, type AvailabilityModuleOptions } from '../../services/availability/src/module';

/** The availability subgraph for startStack, on the given clock and settings. */
export const availabilityBuilder = (options: AvailabilityModuleOptions = {}): SubgraphBuilder => (deps) => createAvailabilityModule(deps, options).subgraph();

/** The consumer group availability applies booking events with (holds confirmed or released). */
export const BOOKING_HOLDS_GROUP = 'availability.booking-holds';

/**
 * What `npm start` runs as availability workers, in-process (instructor read model, booking
 * events on holds, expiry sweeper), plus the instructor's outbox relay when the stack runs it.
 */
export function startAvailabilityWorkers(stack: TestStack, options: AvailabilityModuleOptions = {}): Promise<RunningWorkers> {
  return startWorkers([...createAvailabilityModule(stack.deps.availability!, options).workers(), outboxRelayWorker(stack, 'instructor')]);
}

export interface CalendarTestbed {
  readonly stack: TestStack;
  readonly workers: RunningWorkers;
  /** Booking's side of the internal hold routes. */
  readonly client: InternalClient;
  readonly clock: TestClock;
}

/**
 * Registers the hooks of a test file running availability alone behind the gateway, with its
 * workers and a moved clock (reset to `now` before each test). Read the fields inside tests.
 */
export function useCalendarTestbed(now: string, config?: AvailabilityConfig): CalendarTestbed {
  const clock = testClock(now);
  const options: AvailabilityModuleOptions = { clock: clock.now, ...(config ? { config } : {}) };
  const bed = { clock } as { stack: TestStack; workers: RunningWorkers; client: InternalClient; clock: TestClock };
  beforeAll(async () => {
    bed.stack = await startStack({ availability: availabilityBuilder(options) });
    bed.workers = await startAvailabilityWorkers(bed.stack, options);
    bed.client = holdClient(bed.stack);
  });
  afterAll(async () => {
    bed.client?.close();
    await bed.workers?.stop();
    await bed.stack?.stop();
  });
  beforeEach(() => clock.set(now));
  return bed;
}
