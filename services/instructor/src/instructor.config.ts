import { InvalidConfigError, isProduction, readConfig } from '@instainstru/platform';
import { z } from 'zod';

/** Local development webhook secret; production sets STRIPE_WEBHOOK_SECRET (Stripe's `whsec_…`). */
export const DEV_STRIPE_WEBHOOK_SECRET = 'whsec_instainstru_dev_webhook_secret';
const DEV_S3_SECRET = 'instainstru-dev-secret';
/** How long an upload may wait for its confirmation before it is deleted (INSTRUCTOR_UPLOAD_TTL_MINUTES). */
export const DEFAULT_UPLOAD_TTL_MINUTES = 60;
/** Upload requests (photos and documents together) one instructor may make per clock hour (INSTRUCTOR_UPLOADS_PER_HOUR). */
export const DEFAULT_UPLOADS_PER_HOUR = 20;
/** The expiry sweep runs at least this often (more often when the window is shorter). */
const MAX_UPLOAD_SWEEP_INTERVAL_MS = 5 * 60_000;

const envSchema = z.object({
  STRIPE_API_BASE: z.string().url().default('http://127.0.0.1:12120'),
  STRIPE_SECRET_KEY: z.string().min(1).default('sk_test_123'),
  STRIPE_WEBHOOK_SECRET: z.string().min(16).default(DEV_STRIPE_WEBHOOK_SECRET),
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().positive().max(3600).default(300),
  S3_ENDPOINT: z.string().url().default('http://127.0.0.1:9000'),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).default('instainstru'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).default(DEV_S3_SECRET),
  S3_BUCKET: z.string().min(3).default('instainstru-documents'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('true'),
  GEOCODER: z.enum(['zip-centroid', 'nominatim']).default('zip-centroid'),
  GEOCODER_URL: z.string().url().default('https://nominatim.openstreetmap.org'),
  GEOCODER_USER_AGENT: z.string().min(3).default('InstaInstru instructor service (dev)'),
  GEOCODER_TIMEOUT_MS: z.coerce.number().int().positive().default(3000),
  INSTRUCTOR_APP_URL: z.string().url().default('http://localhost:3000'),
  INSTRUCTOR_UPLOAD_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(DEFAULT_UPLOAD_TTL_MINUTES),
  INSTRUCTOR_UPLOADS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(DEFAULT_UPLOADS_PER_HOUR),
});

export interface InstructorConfig {
  stripe: { apiBase: URL; secretKey: string; webhookSecret: string; webhookToleranceSeconds: number };
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; bucket: string; forcePathStyle: boolean };
  geocoder: { kind: 'zip-centroid' } | { kind: 'nominatim'; url: string; userAgent: string; timeoutMs: number };
  appUrl: string;
  /** An upload not confirmed within `ttlMs` of its request is refused, then deleted by the worker's sweep. */
  uploads: { ttlMs: number; sweepIntervalMs: number; perHour: number };
}

/** The instructor service's own settings (Stripe, object storage, geocoding), on top of the platform's. */
export function loadInstructorConfig(env: NodeJS.ProcessEnv = process.env): InstructorConfig {
  const e = readConfig('instructor', envSchema, env);
  if (isProduction(env) && (e.STRIPE_WEBHOOK_SECRET === DEV_STRIPE_WEBHOOK_SECRET || e.S3_SECRET_ACCESS_KEY === DEV_S3_SECRET)) {
    throw new InvalidConfigError('instructor', ['STRIPE_WEBHOOK_SECRET and S3_SECRET_ACCESS_KEY must be set in production']);
  }
  return {
    stripe: {
      apiBase: new URL(e.STRIPE_API_BASE),
      secretKey: e.STRIPE_SECRET_KEY,
      webhookSecret: e.STRIPE_WEBHOOK_SECRET,
      webhookToleranceSeconds: e.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    },
    s3: {
      endpoint: e.S3_ENDPOINT,
      region: e.S3_REGION,
      accessKeyId: e.S3_ACCESS_KEY_ID,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY,
      bucket: e.S3_BUCKET,
      forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
    },
    geocoder:
      e.GEOCODER === 'nominatim'
        ? { kind: 'nominatim', url: e.GEOCODER_URL, userAgent: e.GEOCODER_USER_AGENT, timeoutMs: e.GEOCODER_TIMEOUT_MS }
        : { kind: 'zip-centroid' },
    appUrl: e.INSTRUCTOR_APP_URL.replace(/\/+$/, ''),
    uploads: {
      ttlMs: e.INSTRUCTOR_UPLOAD_TTL_MINUTES * 60_000,
      sweepIntervalMs: Math.min(e.INSTRUCTOR_UPLOAD_TTL_MINUTES * 60_000, MAX_UPLOAD_SWEEP_INTERVAL_MS),
      perHour: e.INSTRUCTOR_UPLOADS_PER_HOUR,
    },
  };
}
