import { parse } from 'graphql';
import { startSignedSubgraph } from '../http/testing/signed-subgraph';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@listSize"])
  type Item { id: ID! children: [Item!]! @listSize(assumedSize: 10) }
  type Query {
    items(count: Int!): [Item!]! @listSize(slicingArguments: ["count"])
    "Declares 5 items; answers far more (the estimate is wrong, the cap still holds)."
    underestimated: [Item!]! @listSize(assumedSize: 5)
    slow: String
    echo(text: String!): String
  }
`);

let resolverCalls = 0;
const items = (count: number) => Array.from({ length: count }, (_, i) => ({ id: String(i) }));
const resolvers = {
  Query: {
    items: (_: unknown, { count }: { count: number }) => (resolverCalls += 1, items(count)),
    underestimated: () => items(200_000),
    slow: () => new Promise((resolve) => setTimeout(() => resolve('late'), 10_000).unref()),
    echo: (_: unknown, { text }: { text: string }) => text,
  },
  Item: { children: () => items(10) },
};

let subgraph: Awaited<ReturnType<typeof startSignedSubgraph>>;

beforeAll(async () => {
  subgraph = await startSignedSubgraph({ typeDefs, resolvers, budget: { maxCost: 1000, maxResolvedFields: 10_000, deadlineMs: 2500 } });
});

afterAll(() => subgraph?.stop());

/** A request signed as the gateway signs it: whoever holds the key can send anything. */
const signed = (query: string, variables?: Record<string, unknown>) => subgraph.ask(query, variables);

describe('a subgraph bounds what one signed request may cost it', () => {
  it('answers requests within the budget', async () => {
    const { body } = await signed('{ items(count: 3) { id children { id } } }');
    expect(body.errors).toBeUndefined();
    expect((body.data as { items: unknown[] }).items).toHaveLength(3);
  });

  it('refuses an operation priced over its budget before running it, with the cost', async () => {
    const before = resolverCalls;
    const { body } = await signed('query($n: Int!) { items(count: $n) { id children { children { id } } } }', { n: 100_000 });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', cost: { maximumQueryCost: 1000 } });
    expect(resolverCalls).toBe(before);
  });

  it('stops a result larger than its field cap whatever the estimate said, and stays up', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    const { body } = await signed('{ underestimated { id children { id } } }');
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([{ message: 'The result is larger than 10000 fields', extensions: { code: 'QUERY_TOO_COMPLEX', reason: 'RESULT_TOO_LARGE' } }]);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
    expect((await signed('{ items(count: 1) { id } }')).body.errors).toBeUndefined();
  });

  it('answers SERVICE_UNAVAILABLE at its deadline instead of hanging', async () => {
    const started = Date.now();
    const { status, body } = await signed('{ slow }');
    expect(Date.now() - started).toBeLessThan(6000);
    expect(status).toBe(503);
    expect(body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('refuses an overlong string argument', async () => {
    const { body } = await signed('query($t: String!) { echo(text: $t) }', { t: 'y'.repeat(4001) });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STRING_TOO_LONG' });
    expect((await signed('query($t: String!) { echo(text: $t) }', { t: 'y'.repeat(4000) })).body.errors).toBeUndefined();
  });
});
