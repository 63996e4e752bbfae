import { readConfig } from '@instainstru/platform';
import { z } from 'zod';

const envSchema = z.object({
  AVAILABILITY_MIN_NOTICE_MINUTES: z.coerce.number().int().min(0).max(30 * 24 * 60).default(120),
  AVAILABILITY_HORIZON_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  AVAILABILITY_BUFFER_MINUTES: z.coerce.number().int().min(0).max(240).default(15),
  AVAILABILITY_HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(600),
  AVAILABILITY_HOLD_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
});

/** The calendar rules availability is the authority on (see docs: the calendar contract). */
export interface AvailabilityConfig {
  /** A lesson starts at least this long after now. */
  minNoticeMinutes: number;
  /** A lesson starts at most this far ahead. */
  horizonDays: number;
  /** Required gap after each held or booked lesson before the next one. */
  bufferMinutes: number;
  /** An unconfirmed hold stops blocking after this. */
  holdTtlSeconds: number;
  /** How often the worker deletes expired holds. */
  holdSweepIntervalMs: number;
}

export function loadAvailabilityConfig(env: NodeJS.ProcessEnv = process.env): AvailabilityConfig {
  const e = readConfig('availability', envSchema, env);
  return {
    minNoticeMinutes: e.AVAILABILITY_MIN_NOTICE_MINUTES,
    horizonDays: e.AVAILABILITY_HORIZON_DAYS,
    bufferMinutes: e.AVAILABILITY_BUFFER_MINUTES,
    holdTtlSeconds: e.AVAILABILITY_HOLD_TTL_SECONDS,
    holdSweepIntervalMs: e.AVAILABILITY_HOLD_SWEEP_INTERVAL_MS,
  };
}
