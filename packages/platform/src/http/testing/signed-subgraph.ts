import type { AddressInfo } from 'node:net';
import type { BaseContext } from '@apollo/server';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { RequestBudget } from '../../api/request-budget';
import { DEV_SIGNING_SECRET } from '../../runtime/config';
import { createLogger } from '../../runtime/logger';
import { PlatformMetrics } from '../../runtime/metrics';
import { callerKeyFor, signCaller } from '../caller';
import { createSubgraphServer } from '../subgraph-server';

export interface SignedAnswer {
  status: number;
  body: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/**
 * A subgraph of the given schema on an ephemeral port, and a way to send it requests signed as the
 * gateway signs them (whoever holds the key can send anything): for tests of what every subgraph does.
 */
export async function startSignedSubgraph(options: { typeDefs: DocumentNode; resolvers: GraphQLResolverMap<BaseContext>; budget?: RequestBudget }) {
  const server = await createSubgraphServer({
    name: 'catalog',
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    logger: createLogger('catalog', 'silent'),
    metrics: new PlatformMetrics('catalog'),
    signingSecret: DEV_SIGNING_SECRET,
    callerMaxAgeMs: 60_000,
    context: () => ({}),
    readiness: {},
    ...(options.budget ? { budget: options.budget } : {}),
  });
  const http = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
  return {
    async ask(query: string, variables?: Record<string, unknown>): Promise<SignedAnswer> {
      const body = JSON.stringify({ query, variables });
      const headers = signCaller({ userId: null, roles: [], requestId: 'signed-test' }, callerKeyFor(DEV_SIGNING_SECRET, 'catalog'), { method: 'POST', path: '/graphql', body });
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, body: (await response.json()) as SignedAnswer['body'] };
    },
    stop: () => server.drain(),
  };
}
