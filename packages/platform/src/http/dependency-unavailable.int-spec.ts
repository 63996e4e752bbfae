import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import pg from 'pg';
import { isDependencyUnavailable } from '../api/errors';
import { DEV_SIGNING_SECRET } from '../runtime/config';
import { createLogger } from '../runtime/logger';
import { PlatformMetrics } from '../runtime/metrics';
import { callerKeyFor, signCaller } from './caller';
import { createSubgraphServer, type SubgraphServer } from './subgraph-server';

/** A Postgres pool pointed where nothing listens: the database is down. */
const down = new pg.Pool({ host: '127.0.0.1', port: 9, user: 'nobody', database: 'none', connectionTimeoutMillis: 1000 });

let server: SubgraphServer;
let url: string;

beforeAll(async () => {
  server = await createSubgraphServer({
    name: 'catalog',
    typeDefs: parse('type Query { count: Int broken: Int }'),
    resolvers: {
      Query: {
        count: async () => (await down.query<{ n: number }>('select 1 as n')).rows[0]!.n,
        broken: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'id')");
        },
      },
    },
    logger: createLogger('catalog', 'silent'),
    metrics: new PlatformMetrics('catalog'),
    signingSecret: DEV_SIGNING_SECRET,
    callerMaxAgeMs: 60_000,
    context: () => ({}),
    readiness: {},
  });
  const http = await server.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await server?.drain();
  await down.end();
});

async function ask(query: string) {
  const body = JSON.stringify({ query });
  const headers = signCaller({ userId: null, roles: [], requestId: 'down' }, callerKeyFor(DEV_SIGNING_SECRET, 'catalog'), { method: 'POST', path: '/graphql', body });
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

describe('a dependency that is down', () => {
  it('is SERVICE_UNAVAILABLE, never INTERNAL_SERVER_ERROR, and says nothing about where it is', async () => {
    const { errors } = await ask('{ count }');
    expect(errors?.[0]?.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', reason: 'DEPENDENCY_UNAVAILABLE' });
    expect(JSON.stringify(errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|:9\b/);
  });

  it('is told apart from a fault in the code, which stays an opaque INTERNAL_SERVER_ERROR', async () => {
    const { errors } = await ask('{ broken }');
    expect(errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(isDependencyUnavailable(new TypeError('x'))).toBe(false);
    expect(isDependencyUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDependencyUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });
});
