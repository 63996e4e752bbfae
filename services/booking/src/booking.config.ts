import { DEFAULT_PORTS, readConfig } from '@instainstru/platform';
import { z } from 'zod';
import { DEFAULT_MAX_UPCOMING_PER_STUDENT } from './domain/booking.rules';

const envSchema = z.object({
  AVAILABILITY_URL: z.string().url().default(`http://127.0.0.1:${DEFAULT_PORTS.availability}`),
  /** How long booking waits for availability to hold or release a slot before the outcome counts as unknown. */
  AVAILABILITY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  BOOKING_AUTO_COMPLETE_AFTER_MINUTES: z.coerce.number().int().min(0).default(1440),
  /** How often the worker auto-completes ended lessons. */
  BOOKING_JOB_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /** Active upcoming bookings one student may hold; createBooking refuses one more (RATE_LIMITED). */
  BOOKING_MAX_UPCOMING_PER_STUDENT: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_UPCOMING_PER_STUDENT),
});

export interface BookingConfig {
  availability: { url: string; timeoutMs: number };
  autoCompleteAfterMinutes: number;
  jobIntervalMs: number;
  /** Active upcoming bookings one student may hold (BOOKING_MAX_UPCOMING_PER_STUDENT); absent, the default (20). */
  maxUpcomingPerStudent?: number;
}

/** The booking service's own settings, on top of the platform's. */
export function loadBookingConfig(env: NodeJS.ProcessEnv = process.env): BookingConfig {
  const e = readConfig('booking', envSchema, env);
  return {
    availability: { url: e.AVAILABILITY_URL, timeoutMs: e.AVAILABILITY_TIMEOUT_MS },
    autoCompleteAfterMinutes: e.BOOKING_AUTO_COMPLETE_AFTER_MINUTES,
    jobIntervalMs: e.BOOKING_JOB_INTERVAL_MS,
    maxUpcomingPerStudent: e.BOOKING_MAX_UPCOMING_PER_STUDENT,
  };
}
