import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SignedSubgraphDataSource, SubgraphCallError, type GatewayContext } from './signed-data-source';

const secret = 'signed-data-source-test-secret-0123456789';

/**
 * A subgraph that answers each connection's first request and drops the connection on its next
 * one (a kept-alive connection closed under the gateway), and never answers a query asking `slow`.
 */
let subgraph: Server;
let url: string;
let seen: string[];

beforeAll(async () => {
  const requestsOn = new WeakMap<object, number>();
  subgraph = createServer((req, res) => {
    const n = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, n);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const { query } = JSON.parse(body) as { query: string };
      seen.push(`${query}#${n}`);
      if (query.includes('slow')) return;
      if (n > 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { ok: true } }));
    });
  });
  await new Promise<void>((resolve) => subgraph.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(subgraph.address() as AddressInfo).port}/graphql`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  subgraph.closeAllConnections();
  await new Promise((resolve) => subgraph.close(resolve));
});

const send = (source: SignedSubgraphDataSource, query: string) =>
  source.process({ request: { query }, context: { caller: { userId: 'student-1', roles: ['student'], requestId: 'r' } } } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

describe('subgraph calls over kept-alive connections', () => {
  it('send a query again on a fresh connection when a kept-alive one was closed under it', async () => {
    const catalog = new SignedSubgraphDataSource('catalog', url, secret);
    await send(catalog, '{ first }');
    await expect(send(catalog, '{ second }')).resolves.toEqual({ data: { ok: true } });
    expect(seen).toEqual(['{ first }#1', '{ second }#2', '{ second }#1']);
  });

  it('never send a mutation twice: it fails as the subgraph being unreachable', async () => {
    const booking = new SignedSubgraphDataSource('booking', url, secret);
    await send(booking, '{ first }');
    const failure = await send(booking, 'mutation { createBooking }').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SubgraphCallError);
    expect(failure).toMatchObject({ subgraph: 'booking', unavailable: true, message: expect.stringMatching(/^The booking service could not be reached: /) });
    expect(seen).toEqual(['{ first }#1', 'mutation { createBooking }#2']);
  });

  it('give up on a subgraph slower than the timeout, naming it', async () => {
    const reviews = new SignedSubgraphDataSource('reviews', url, secret, 200);
    await expect(send(reviews, '{ slow }')).rejects.toMatchObject({ subgraph: 'reviews', unavailable: true, message: 'Subgraph did not answer within 200 ms' });
    expect(seen).toEqual(['{ slow }#1']);
  });
});
