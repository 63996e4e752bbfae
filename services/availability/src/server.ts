import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { AvailabilityContext } from './context';
import { AvailabilityWeeks } from './domain/availability-weeks.service';
import { PostgresAvailabilityRepository } from './infra/availability.repository';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the availability subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildAvailabilityServer(deps: ServiceDeps): Promise<SubgraphServer> {
  const weeks = new AvailabilityWeeks(new PostgresAvailabilityRepository(deps.db));
  return buildSubgraph<AvailabilityContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, weeks }),
  });
}
