import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_PORTS, DEV_SIGNING_SECRET, SERVICE_NAMES, type ServiceName } from '@instainstru/platform';
import { z } from 'zod';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_PORTS.gateway),
  NODE_ENV: z.string().default('development'),
  SUPERGRAPH_PATH: z.string().default(resolve(__dirname, '../../schemas/supergraph.graphql')),
  SUBGRAPH_SIGNING_SECRET: z.string().min(16).default(DEV_SIGNING_SECRET),
  JWT_ISSUER: z.string().default('https://auth.instainstru.dev'),
  JWT_AUDIENCE: z.string().default('instainstru-api'),
  JWT_JWKS_URL: z.string().url().optional(),
  LOG_LEVEL: z.string().default('info'),
  QUERY_MAX_DEPTH: z.coerce.number().int().positive().default(12),
  QUERY_MAX_ALIASES: z.coerce.number().int().nonnegative().default(30),
  QUERY_MAX_FIELDS: z.coerce.number().int().positive().default(400),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(15_000),
});

export interface GatewayConfig {
  port: number;
  production: boolean;
  supergraphSdl: string;
  /** Subgraph URLs overriding the routing URLs in the supergraph (CATALOG_URL, …). */
  subgraphUrls: Partial<Record<ServiceName, string>>;
  signingSecret: string;
  jwt: { issuer: string; audience: string; jwksUrl?: string };
  logLevel: string;
  limits: { maxDepth: number; maxAliases: number; maxFields: number };
  shutdownGraceMs: number;
}

export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const e = envSchema.parse(env);
  const production = e.NODE_ENV === 'production';
  if (production && !e.JWT_JWKS_URL) throw new Error('JWT_JWKS_URL must be set in production');
  if (production && e.SUBGRAPH_SIGNING_SECRET === DEV_SIGNING_SECRET) throw new Error('SUBGRAPH_SIGNING_SECRET must be set in production');
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
    jwt: { issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE, ...(e.JWT_JWKS_URL ? { jwksUrl: e.JWT_JWKS_URL } : {}) },
    logLevel: e.LOG_LEVEL,
    limits: { maxDepth: e.QUERY_MAX_DEPTH, maxAliases: e.QUERY_MAX_ALIASES, maxFields: e.QUERY_MAX_FIELDS },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
