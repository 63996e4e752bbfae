/** Time for tests: a clock moved by hand, and lesson starts relative to now. */

/** A clock a test moves by hand (notice, horizon and hold expiry are measured on it). */
export interface TestClock {
  now(): Date;
  set(instant: Date | string): void;
  advance(ms: number): void;
}

export function testClock(start: Date | string): TestClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (instant) => void (current = new Date(instant).getTime()),
    advance: (ms) => void (current += ms),
  };
}

/** A start time `hours` from now, on a whole hour (UTC). */
export function hoursFromNow(hours: number): Date {
  const d = new Date(Date.now() + hours * 3_600_000);
  d.setUTCMinutes(0, 0, 0);
  return d;
}
