import { DEFAULT_PORTS, readConfig } from '@instainstru/platform';
import { z } from 'zod';
import { DEFAULT_MAX_UPCOMING_PER_STUDENT } from './domain/booking.rules';
import { DEFAULT_PAYMENT_TERMS, type PaymentTerms } from './domain/payment.rules';
import { DEFAULT_PAYOUT_TERMS, type PayoutTerms } from './domain/payout.rules';
import { DEFAULT_REFERRAL_TERMS, type ReferralTerms } from './domain/referrals.types';

/** Local development webhook secret; production sets STRIPE_WEBHOOK_SECRET (Stripe's `whsec_…`). */
export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_instainstru_dev_webhook_secret';

const envSchema = z.object({
  AVAILABILITY_URL: z.string().url().default(`http://127.0.0.1:${DEFAULT_PORTS.availability}`),
  /** How long booking waits for availability to hold or release a slot before the outcome counts as unknown. */
  AVAILABILITY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  BOOKING_AUTO_COMPLETE_AFTER_MINUTES: z.coerce.number().int().min(0).default(1440),
  /** How often the worker auto-completes ended lessons. */
  BOOKING_JOB_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  /** Active upcoming bookings one student may hold; createBooking refuses one more (RATE_LIMITED). */
  BOOKING_MAX_UPCOMING_PER_STUDENT: z.coerce.number().int().min(1).max(1000).default(DEFAULT_MAX_UPCOMING_PER_STUDENT),
  /** Stripe's API: api.stripe.com in production, the project's emulator locally. */
  /** Referrals: the new student's credit, the referrer's reward, rewards per referrer, the dispute window, how long the credits last. */
  REFERRAL_REFEREE_CREDIT_MINOR: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_REFERRAL_TERMS.refereeCreditMinor),
  REFERRAL_REWARD_MINOR: z.coerce.number().int().min(0).max(100_000).default(DEFAULT_REFERRAL_TERMS.rewardMinor),
  REFERRAL_MAX_REWARDS: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_REFERRAL_TERMS.maxRewardsPerReferrer),
  REFERRAL_DISPUTE_WINDOW_HOURS: z.coerce.number().min(0).max(24 * 120).default(DEFAULT_REFERRAL_TERMS.disputeWindowHours),
  REFERRAL_CREDIT_EXPIRY_DAYS: z.coerce.number().int().min(1).max(1095).default(DEFAULT_REFERRAL_TERMS.creditExpiryDays),
  STRIPE_API_BASE: z.string().url().default('http://127.0.0.1:12120'),
  STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_instainstru'),
  STRIPE_WEBHOOK_SECRET: z.string().min(16).default(DEV_STRIPE_WEBHOOK_SECRET),
  /** The secret of the Connect webhook endpoint (connected accounts' events: payouts); Stripe gives it its own. Absent, STRIPE_WEBHOOK_SECRET. */
  STRIPE_CONNECT_WEBHOOK_SECRET: z.string().min(16).optional(),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().max(3600).default(300),
  /** Stripe calls per second this process makes at most (Stripe allows 25/s in test mode, 100/s live, per account). */
  STRIPE_MAX_REQUESTS_PER_SECOND: z.coerce.number().positive().max(1000).default(20),
  PAYMENT_AUTHORIZATION_LEAD_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(DEFAULT_PAYMENT_TERMS.authorizationLeadMinutes),
  PAYMENT_ACTION_DEADLINE_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(DEFAULT_PAYMENT_TERMS.actionDeadlineMinutes),
  /** The platform's fee in basis points of the lesson price (1500 = 15 %), taken as the application fee. */
  PLATFORM_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_PAYMENT_TERMS.platformFeeBps),
  PAYMENT_SOFT_DECLINE_RETRIES: z.coerce.number().int().min(0).max(10).default(DEFAULT_PAYMENT_TERMS.softDeclineRetries),
  PAYMENT_RETRY_BASE_SECONDS: z.coerce.number().int().positive().default(DEFAULT_PAYMENT_TERMS.retryBaseSeconds),
  PAYMENT_LEASE_SECONDS: z.coerce.number().int().positive().default(DEFAULT_PAYMENT_TERMS.leaseSeconds),
  /** How long a lesson authorised while booking keeps its slot for the bank's authentication; keep it below AVAILABILITY_HOLD_TTL_SECONDS. */
  PAYMENT_ON_SESSION_WINDOW_SECONDS: z.coerce.number().int().min(30).max(3600).default(DEFAULT_PAYMENT_TERMS.onSessionWindowSeconds),
  /** How often the worker sends due payment commands and cancels unresolved payments. */
  PAYMENT_JOB_INTERVAL_MS: z.coerce.number().int().positive().default(2000),
  /** Partitions of the payment commands the worker handles at once. */
  PAYMENT_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(6),
  /** Payments untouched this long are compared with Stripe by the reconciliation job. */
  PAYMENT_RECONCILE_AFTER_SECONDS: z.coerce.number().int().positive().default(900),
  /** The currency instructors' balances and payouts are shown in. */
  PAYOUT_CURRENCY: z.string().regex(/^[A-Z]{3}$/).default(DEFAULT_PAYOUT_TERMS.currency),
  /** Stripe's instant payout fee (basis points, rounded up) and its minimum: what the quote shows must be what Stripe takes. */
  INSTANT_PAYOUT_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(DEFAULT_PAYOUT_TERMS.instantFeeBps),
  INSTANT_PAYOUT_FEE_MIN_MINOR: z.coerce.number().int().min(0).default(DEFAULT_PAYOUT_TERMS.instantFeeMinimumMinor),
  INSTANT_PAYOUT_MIN_MINOR: z.coerce.number().int().min(1).default(DEFAULT_PAYOUT_TERMS.minInstantMinor),
  INSTANT_PAYOUT_MAX_MINOR: z.coerce.number().int().min(1).max(100_000_000).default(DEFAULT_PAYOUT_TERMS.maxInstantMinor),
});

export interface BookingConfig {
  availability: { url: string; timeoutMs: number };
  autoCompleteAfterMinutes: number;
  jobIntervalMs: number;
  /** Active upcoming bookings one student may hold (BOOKING_MAX_UPCOMING_PER_STUDENT); absent, the default (20). */
  maxUpcomingPerStudent?: number;
  stripe: { apiBase: URL; secretKey: string; webhookSecret: string; connectWebhookSecret: string; webhookToleranceSeconds: number; maxRequestsPerSecond: number };
  payments: PaymentTerms & { jobIntervalMs: number; workerConcurrency: number; reconcileAfterSeconds: number };
  payouts: PayoutTerms;
  referrals: ReferralTerms;
}

/** The booking service's own settings, on top of the platform's. */
export function loadBookingConfig(env: NodeJS.ProcessEnv = process.env): BookingConfig {
  const e = readConfig('booking', envSchema, env);
  return {
    availability: { url: e.AVAILABILITY_URL, timeoutMs: e.AVAILABILITY_TIMEOUT_MS },
    autoCompleteAfterMinutes: e.BOOKING_AUTO_COMPLETE_AFTER_MINUTES,
    jobIntervalMs: e.BOOKING_JOB_INTERVAL_MS,
    maxUpcomingPerStudent: e.BOOKING_MAX_UPCOMING_PER_STUDENT,
    stripe: {
      apiBase: new URL(e.STRIPE_API_BASE),
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      connectWebhookSecret: e.STRIPE_CONNECT_WEBHOOK_SECRET ?? e.STRIPE_WEBHOOK_SECRET,
      webhookToleranceSeconds: e.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      maxRequestsPerSecond: e.STRIPE_MAX_REQUESTS_PER_SECOND,
    },
    payments: {
      authorizationLeadMinutes: e.PAYMENT_AUTHORIZATION_LEAD_MINUTES,
      actionDeadlineMinutes: e.PAYMENT_ACTION_DEADLINE_MINUTES,
      platformFeeBps: e.PLATFORM_FEE_BPS,
      softDeclineRetries: e.PAYMENT_SOFT_DECLINE_RETRIES,
      retryBaseSeconds: e.PAYMENT_RETRY_BASE_SECONDS,
      leaseSeconds: e.PAYMENT_LEASE_SECONDS,
      onSessionWindowSeconds: e.PAYMENT_ON_SESSION_WINDOW_SECONDS,
      jobIntervalMs: e.PAYMENT_JOB_INTERVAL_MS,
      workerConcurrency: e.PAYMENT_WORKER_CONCURRENCY,
      reconcileAfterSeconds: e.PAYMENT_RECONCILE_AFTER_SECONDS,
    },
    payouts: {
      currency: e.PAYOUT_CURRENCY,
      instantFeeBps: e.INSTANT_PAYOUT_FEE_BPS,
      instantFeeMinimumMinor: e.INSTANT_PAYOUT_FEE_MIN_MINOR,
      minInstantMinor: e.INSTANT_PAYOUT_MIN_MINOR,
      maxInstantMinor: e.INSTANT_PAYOUT_MAX_MINOR,
      requestLeaseSeconds: DEFAULT_PAYOUT_TERMS.requestLeaseSeconds,
    },
    referrals: {
      refereeCreditMinor: e.REFERRAL_REFEREE_CREDIT_MINOR,
      rewardMinor: e.REFERRAL_REWARD_MINOR,
      maxRewardsPerReferrer: e.REFERRAL_MAX_REWARDS,
      disputeWindowHours: e.REFERRAL_DISPUTE_WINDOW_HOURS,
      creditExpiryDays: e.REFERRAL_CREDIT_EXPIRY_DAYS,
      currency: e.PAYOUT_CURRENCY,
    },
  };
}
