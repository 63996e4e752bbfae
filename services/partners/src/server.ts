import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { PartnersContext } from './context';
import { PartnerApiKeys, type Clock } from './domain/partner-api-keys.service';
import { PostgresPartnerApiKeyRepository } from './infra/partner-api-key.repository';
import { RedisPartnerKeyProjection } from './infra/partner-key.projection';
import { createPartnersRedis } from './infra/redis';
import { partnerKeyProjectionJob } from './jobs/partner-key-projection.job';
import { loadPartnersConfig, type PartnersConfig } from './partners.config';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** The partners service's parts, built once per process and shared by the API and the worker. */
export interface PartnersModule {
  config: PartnersConfig;
  redis: Redis;
  keys: PartnerApiKeys;
}

export interface PartnersModuleOptions {
  config?: PartnersConfig;
  /** The process's Redis connection; its own (closed with the service) unless given. */
  redis?: Redis;
  clock?: Clock;
}

export function createPartnersModule(deps: ServiceDeps, options: PartnersModuleOptions = {}): PartnersModule {
  const config = options.config ?? loadPartnersConfig();
  const redis = options.redis ?? createPartnersRedis(deps);
  const keys = new PartnerApiKeys(
    new PostgresPartnerApiKeyRepository(deps.db, deps.outbox),
    new RedisPartnerKeyProjection(redis),
    options.clock ?? (() => new Date()),
    deps.logger.child({ component: 'partner-api-keys' }),
  );
  return { config, redis, keys };
}

/** The worker role's job besides the outbox relay: rebuilding the key projection. */
export function partnersWorkers(deps: ServiceDeps, module: PartnersModule): Worker[] {
  return [partnerKeyProjectionJob(module.keys, module.config.reprojectIntervalMs, deps.logger.child({ component: 'partner-key-projection' }))];
}

/** Builds the partners subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildPartnersServer(deps: ServiceDeps, module: PartnersModule = createPartnersModule(deps)): Promise<SubgraphServer> {
  return buildSubgraph<PartnersContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, keys: module.keys }),
    readiness: { redis: async () => void (await module.redis.ping()) },
  });
}
