import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { PartnersContext } from './context';
import type { PartnerApiKeys } from './domain/partner-api-keys.service';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the partners subgraph from the module's key use cases and Redis (its readiness); it does not listen. */
export function buildPartnersServer(deps: ServiceDeps, parts: { keys: PartnerApiKeys; redis: Redis }): Promise<SubgraphServer> {
  return buildSubgraph<PartnersContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, keys: parts.keys }),
    readiness: { redis: async () => void (await parts.redis.ping()) },
  });
}
