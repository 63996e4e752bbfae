import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type ServiceModule, type SubgraphServer, type Worker } from '@instainstru/platform';
import type { PartnersContext } from './context';
import type { Clock } from './domain/partner-api-key.ports';
import { PartnerApiKeys } from './domain/partner-api-keys.service';
import { PostgresPartnerApiKeyRepository } from './infra/partner-api-key.repository';
import { RedisPartnerKeyProjection } from './infra/partner-key.projection';
import { createPartnersRedis } from './infra/redis';
import { partnerKeyProjectionJob } from './jobs/partner-key-projection.job';
import { loadPartnersConfig, type PartnersConfig } from './partners.config';
import { resolvers } from './resolvers';

const typeDefs = loadTypeDefs(join(__dirname, '..'));

export interface PartnersModuleOptions {
  config?: PartnersConfig;
  /** The Redis connection of the key projection; the module's own (closed with the service) unless given. */
  redis?: Redis;
  clock?: Clock;
}

/** The partners service: its subgraph, and the worker that rebuilds the gateways' key projection. */
export type PartnersModule = ServiceModule;

/** Partner API keys: admins issue, list and revoke them; gateways read the active ones from a Redis projection. */
export function createPartnersModule(deps: ServiceDeps, options: PartnersModuleOptions = {}): PartnersModule {
  const config = options.config ?? loadPartnersConfig();
  const redis = options.redis ?? createPartnersRedis(deps);
  const keys = new PartnerApiKeys(
    new PostgresPartnerApiKeyRepository(deps.db, deps.outbox),
    new RedisPartnerKeyProjection(redis),
    options.clock ?? (() => new Date()),
    deps.logger.child({ component: 'partner-api-keys' }),
  );
  return {
    /** The partners subgraph over the key use cases, with Redis (the projection) in its readiness; it does not listen. */
    subgraph: (): Promise<SubgraphServer> =>
      buildSubgraph<PartnersContext>(deps, {
        typeDefs,
        resolvers: resolvers as never,
        context: (caller) => ({ caller, keys }),
        readiness: { redis: async () => void (await redis.ping()) },
      }),
    /** The worker role: rebuilds the gateways' key projection periodically. */
    workers: (): Worker[] => [partnerKeyProjectionJob(keys, config.reprojectIntervalMs, deps.logger.child({ component: 'partner-key-projection' }))],
  };
}
