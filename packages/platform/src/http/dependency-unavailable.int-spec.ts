import { parse } from 'graphql';
import pg from 'pg';
import { isDependencyUnavailable } from '../api/errors';
import { startSignedSubgraph } from './testing/signed-subgraph';

/** A Postgres pool pointed where nothing listens: the database is down. */
const down = new pg.Pool({ host: '127.0.0.1', port: 9, user: 'nobody', database: 'none', connectionTimeoutMillis: 1000 });

let subgraph: Awaited<ReturnType<typeof startSignedSubgraph>>;

beforeAll(async () => {
  subgraph = await startSignedSubgraph({
    typeDefs: parse('type Query { count: Int broken: Int }'),
    resolvers: {
      Query: {
        count: async () => (await down.query<{ n: number }>('select 1 as n')).rows[0]!.n,
        broken: () => {
          throw new TypeError("Cannot read properties of undefined (reading 'id')");
        },
      },
    },
  });
});

afterAll(async () => {
  await subgraph?.stop();
  await down.end();
});

const ask = async (query: string) => (await subgraph.ask(query)).body;

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
