import { z } from 'zod';
import { serviceOfCallerKey } from '../http/caller';
import { InvalidConfigError, readConfig } from './config-reader';
import { DEFAULT_PORTS, type ServiceName } from './service-names';

/**
 * Local development secret; production sets SUBGRAPH_SIGNING_SECRET, or gives a service only its
 * own key (SUBGRAPH_SIGNING_KEY, see serviceCallerKey).
 */
export const DEV_SIGNING_SECRET = 'instainstru-dev-subgraph-signing-secret';

const SERVICE_ROLES = ['api', 'worker', 'all'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];
const isServiceRole = (value: string): value is ServiceRole => (SERVICE_ROLES as readonly string[]).includes(value);

/**
 * Production unless development is said explicitly: NODE_ENV `development` (or `test`, which Jest
 * sets). Production refuses development secrets and keys and shows callers less.
 */
export function isProduction(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test';
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SERVICE_ROLE: z.enum(SERVICE_ROLES).default('all'),
  PGHOST: z.string().default('127.0.0.1'),
  PGPORT: z.coerce.number().int().default(5432),
  PGDATABASE: z.string().default('instainstru'),
  DATABASE_URL: z.string().url().optional(),
  DB_POOL_MAX: z.coerce.number().int().min(1).default(10),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  SUBGRAPH_SIGNING_SECRET: z.string().min(16).default(DEV_SIGNING_SECRET),
  SUBGRAPH_SIGNING_KEY: z
    .string()
    .refine((value) => serviceOfCallerKey(value) !== null, 'must be a service key: caller-key.v2.<service>.<base64url>')
    .optional(),
  CALLER_MAX_AGE_MS: z.coerce.number().int().positive().default(60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(1000),
  OUTBOX_RETENTION_HOURS: z.coerce.number().positive().default(168),
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(15_000),
  NODE_ENV: z.string().optional(),
  SUBGRAPH_MAX_COST: z.coerce.number().int().positive().default(20_000),
  SUBGRAPH_MAX_RESOLVED_FIELDS: z.coerce.number().int().positive().default(100_000),
  SUBGRAPH_DEADLINE_MS: z.coerce.number().int().positive().default(8000),
});

export interface ServiceConfig {
  service: ServiceName;
  port: number;
  role: ServiceRole;
  database: { url: string; poolMax: number; schema: ServiceName };
  redisUrl: string;
  kafka: { brokers: string[]; topicPrefix: string; clientId: string };
  /**
   * The master secret every service's caller key derives from (SUBGRAPH_SIGNING_SECRET), or this
   * service's own key when SUBGRAPH_SIGNING_KEY is set: then it verifies calls to itself and can
   * sign calls to no other service.
   */
  signingSecret: string;
  /** How long after it was issued a signed call is still accepted (its own expiry applies too). */
  callerMaxAgeMs: number;
  logLevel: string;
  outboxPollMs: number;
  /** How long published events stay in the outbox before the retention sweep deletes them. */
  outboxRetentionMs: number;
  consumerMaxAttempts: number;
  shutdownGraceMs: number;
  production: boolean;
  /** What one request may cost this service (see request-budget.ts). */
  requestBudget: { maxCost: number; maxResolvedFields: number; deadlineMs: number };
}

/**
 * A service's database role and its development password follow one convention
 * (`<service>_svc` / `<service>_dev_pw`); production passes DATABASE_URL instead.
 */
export function serviceDatabaseRole(service: ServiceName): { user: string; password: string } {
  return { user: `${service}_svc`, password: `${service}_dev_pw` };
}

export function loadServiceConfig(
  service: ServiceName,
  env: NodeJS.ProcessEnv = process.env,
  argv: readonly string[] = process.argv,
): ServiceConfig {
  const e = readConfig(service, envSchema, env);
  const roleFlag = argv.find((a) => a.startsWith('--role='))?.slice('--role='.length);
  const role = roleFlag ?? e.SERVICE_ROLE;
  if (!isServiceRole(role)) throw new InvalidConfigError(service, [`--role: must be one of ${SERVICE_ROLES.join(', ')}, not "${role}"`]);
  const production = isProduction(env);
  const ownKey = e.SUBGRAPH_SIGNING_KEY;
  if (ownKey && serviceOfCallerKey(ownKey) !== service) {
    throw new InvalidConfigError(service, [`SUBGRAPH_SIGNING_KEY is the ${serviceOfCallerKey(ownKey)} service's key, not ${service}'s`]);
  }
  if (production && !ownKey && e.SUBGRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) {
    throw new InvalidConfigError(service, ["SUBGRAPH_SIGNING_SECRET (or this service's SUBGRAPH_SIGNING_KEY) must be set in production"]);
  }
  const { user, password } = serviceDatabaseRole(service);
  const url =
    env[`${service.toUpperCase()}_DATABASE_URL`] ??
    e.DATABASE_URL ??
    `postgres://${user}:${password}@${e.PGHOST}:${e.PGPORT}/${e.PGDATABASE}`;
  return {
    service,
    port: e.PORT ?? DEFAULT_PORTS[service],
    role,
    database: { url, poolMax: e.DB_POOL_MAX, schema: service },
    redisUrl: e.REDIS_URL,
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      clientId: `instainstru-${service}`,
    },
    signingSecret: ownKey ?? e.SUBGRAPH_SIGNING_SECRET,
    callerMaxAgeMs: e.CALLER_MAX_AGE_MS,
    logLevel: e.LOG_LEVEL,
    outboxPollMs: e.OUTBOX_POLL_MS,
    outboxRetentionMs: Math.round(e.OUTBOX_RETENTION_HOURS * 3_600_000),
    consumerMaxAttempts: e.CONSUMER_MAX_ATTEMPTS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    production,
    requestBudget: { maxCost: e.SUBGRAPH_MAX_COST, maxResolvedFields: e.SUBGRAPH_MAX_RESOLVED_FIELDS, deadlineMs: e.SUBGRAPH_DEADLINE_MS },
  };
}
