import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { CatalogContext } from './context';
import { CategoryQueries } from './domain/category.service';
import { PostgresCatalogRepository } from './infra/catalog.repository';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the catalog subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildCatalogServer(deps: ServiceDeps): Promise<SubgraphServer> {
  const repository = new PostgresCatalogRepository(deps.db);
  return buildSubgraph<CatalogContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, categories: new CategoryQueries(repository) }),
  });
}
