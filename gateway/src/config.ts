import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PORTS, DEV_SIGNING_SECRET, InvalidConfigError, isProduction, readConfig, SERVICE_NAMES, type ServiceName } from '@instainstru/platform';
import { z } from 'zod';
import { DEFAULT_COST_LIMITS } from './plugins/useOperationCost';
import { DEFAULT_QUERY_LIMITS } from './plugins/useQueryLimits';
import type { BucketPlan } from './rate-limits/cost-buckets';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS } from './signed-data-source';
import { OperationManifest, type ArbitraryOperations } from './trusted-documents/operation-manifest';

/** Who may run documents outside the manifest: everyone in development, nobody in production, unless configured. */
function arbitraryOperationsFrom(value: string | undefined, production: boolean): ArbitraryOperations {
  if (value === undefined) return production ? 'none' : 'all';
  return value === 'true' ? 'all' : value === 'false' ? 'none' : (value as ArbitraryOperations);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  NODE_ENV: z.string().optional(),
  SUPERGRAPH_PATH: z.string().default(resolve(__dirname, '../../schemas/supergraph.graphql')),
  SUBGRAPH_SIGNING_SECRET: z.string().min(16).default(DEV_SIGNING_SECRET),
  JWT_ISSUER: z.string().default('https://auth.instainstru.dev'),
  JWT_AUDIENCE: z.string().default('instainstru-api'),
  JWT_JWKS_URL: z.string().url().optional(),
  LOG_LEVEL: z.string().default('info'),
  QUERY_MAX_DEPTH: z.coerce.number().int().positive().default(DEFAULT_QUERY_LIMITS.maxDepth),
  QUERY_MAX_ALIASES: z.coerce.number().int().nonnegative().default(DEFAULT_QUERY_LIMITS.maxAliases),
  QUERY_MAX_FIELDS: z.coerce.number().int().positive().default(DEFAULT_QUERY_LIMITS.maxFields),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(15_000),
  QUERY_MAX_COST: z.coerce.number().int().positive().default(DEFAULT_COST_LIMITS.maxCost),
  QUERY_DEFAULT_LIST_SIZE: z.coerce.number().int().positive().default(DEFAULT_COST_LIMITS.defaultListSize),
  SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().positive().max(60_000).default(DEFAULT_SUBGRAPH_TIMEOUT_MS),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  RATE_LIMIT_KEY_PREFIX: z.string().default('gateway:rate:'),
  RATE_LIMIT_ANONYMOUS_BUCKET: z.coerce.number().int().positive().default(5000),
  RATE_LIMIT_ANONYMOUS_RESTORE_PER_SECOND: z.coerce.number().int().positive().default(250),
  RATE_LIMIT_USER_BUCKET: z.coerce.number().int().positive().default(10_000),
  RATE_LIMIT_USER_RESTORE_PER_SECOND: z.coerce.number().int().positive().default(500),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  OPERATION_MANIFEST_PATH: z.string().default(resolve(__dirname, '../../schemas/operations/manifest.json')),
  ALLOW_ARBITRARY_OPERATIONS: z.enum(['all', 'signed-in', 'none', 'true', 'false']).optional(),
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().positive().default(86_400),
  PARTNER_KEY_CACHE_MS: z.coerce.number().int().positive().max(60_000).default(2000),
  PUBLIC_CACHE_ENTRIES: z.coerce.number().int().nonnegative().default(1000),
  SUBGRAPH_REQUEST_SHARING: z.enum(['on', 'off']).default('on'),
  QUERY_COST_ANALYSIS: z.enum(['on', 'off']).default('on'),
});

export interface GatewayConfig {
  port: number;
  production: boolean;
  supergraphSdl: string;
  /** Subgraph URLs overriding the routing URLs in the supergraph (CATALOG_URL, …). */
  subgraphUrls: Partial<Record<ServiceName, string>>;
  signingSecret: string;
  jwt: { issuer: string; audience: string; jwksUrl?: string; maxLifetimeSeconds: number };
  manifest: OperationManifest;
  allowArbitraryOperations: ArbitraryOperations;
  partnerKeyCacheMs: number;
  publicCacheEntries: number;
  shareInFlight: boolean;
  costAnalysis: boolean;
  logLevel: string;
  limits: { maxDepth: number; maxAliases: number; maxFields: number };
  cost: { maxCost: number; defaultListSize: number };
  subgraphTimeoutMs: number;
  redisUrl: string;
  rateLimits: { enabled: boolean; keyPrefix: string; anonymous: BucketPlan; user: BucketPlan };
  trustProxy: boolean;
  shutdownGraceMs: number;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = readConfig('gateway', envSchema, env);
  const production = isProduction(env);
  if (production && !e.JWT_JWKS_URL) throw new InvalidConfigError('gateway', ['JWT_JWKS_URL must be set in production']);
  if (production && e.SUBGRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) throw new InvalidConfigError('gateway', ['SUBGRAPH_SIGNING_SECRET must be set in production']);
  const subgraphUrls: Partial<Record<ServiceName, string>> = {};
  for (const name of SERVICE_NAMES) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (url) subgraphUrls[name] = url;
  }
  return {
    port: e.PORT,
    production,
    supergraphSdl: readFileSync(e.SUPERGRAPH_PATH, 'utf8'),
    subgraphUrls,
    signingSecret: e.SUBGRAPH_SIGNING_SECRET,
    jwt: { issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE, maxLifetimeSeconds: e.JWT_MAX_LIFETIME_SECONDS, ...(e.JWT_JWKS_URL ? { jwksUrl: e.JWT_JWKS_URL } : {}) },
    manifest: OperationManifest.fromFile(e.OPERATION_MANIFEST_PATH),
    allowArbitraryOperations: arbitraryOperationsFrom(e.ALLOW_ARBITRARY_OPERATIONS, production),
    partnerKeyCacheMs: e.PARTNER_KEY_CACHE_MS,
    publicCacheEntries: e.PUBLIC_CACHE_ENTRIES,
    shareInFlight: e.SUBGRAPH_REQUEST_SHARING === 'on',
    costAnalysis: e.QUERY_COST_ANALYSIS === 'on',
    logLevel: e.LOG_LEVEL,
    limits: { maxDepth: e.QUERY_MAX_DEPTH, maxAliases: e.QUERY_MAX_ALIASES, maxFields: e.QUERY_MAX_FIELDS },
    cost: { maxCost: e.QUERY_MAX_COST, defaultListSize: e.QUERY_DEFAULT_LIST_SIZE },
    subgraphTimeoutMs: e.SUBGRAPH_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    rateLimits: {
      enabled: e.RATE_LIMITS === 'on',
      keyPrefix: e.RATE_LIMIT_KEY_PREFIX,
      anonymous: { bucketSize: e.RATE_LIMIT_ANONYMOUS_BUCKET, restoreRatePerSecond: e.RATE_LIMIT_ANONYMOUS_RESTORE_PER_SECOND },
      user: { bucketSize: e.RATE_LIMIT_USER_BUCKET, restoreRatePerSecond: e.RATE_LIMIT_USER_RESTORE_PER_SECOND },
    },
    trustProxy: e.TRUST_PROXY === 'true',
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
