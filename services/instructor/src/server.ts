import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { InstructorContext } from './context';
import { InstructorProfiles } from './domain/instructor-profiles.service';
import { PostgresInstructorRepository } from './infra/instructor.repository';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the instructor subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildInstructorServer(deps: ServiceDeps): Promise<SubgraphServer> {
  const repository = new PostgresInstructorRepository(deps.db);
  return buildSubgraph<InstructorContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, profiles: new InstructorProfiles(repository, caller) }),
  });
}
