import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpTimeoutError } from './client';

/**
 * A callee that answers each connection's first request and drops the connection on its next
 * one (a kept-alive connection closed under the caller), and never answers `/silent`.
 */
let callee: Server;
let url: string;
let seen: string[];

beforeAll(async () => {
  const requestsOn = new WeakMap<object, number>();
  callee = createServer((req, res) => {
    const n = (requestsOn.get(req.socket) ?? 0) + 1;
    requestsOn.set(req.socket, n);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push(`${body}#${n}`);
      if (req.url === '/silent') return;
      if (n > 1) return void req.socket.destroy();
      res.writeHead(201, { 'content-type': 'text/plain' }).end(`got ${body}`);
    });
  });
  await new Promise<void>((resolve) => callee.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(callee.address() as AddressInfo).port}`;
});

beforeEach(() => {
  seen = [];
});

afterAll(async () => {
  callee.closeAllConnections();
  await new Promise((resolve) => callee.close(resolve));
});

const post = (client: HttpClient, target: string, body: string, idempotent: boolean) =>
  client.post(target, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) }, Buffer.from(body), { idempotent });

describe('the platform HTTP client', () => {
  it('answers the status and the whole body', async () => {
    const client = new HttpClient({ url, timeoutMs: 2000 });
    await expect(post(client, '/echo', 'one', true)).resolves.toEqual({ status: 201, text: 'got one' });
    client.close();
  });

  it('sends an idempotent request again on a fresh connection when a kept-alive one was closed under it', async () => {
    const client = new HttpClient({ url, timeoutMs: 2000 });
    await post(client, '/echo', 'first', true);
    await expect(post(client, '/echo', 'second', true)).resolves.toEqual({ status: 201, text: 'got second' });
    expect(seen).toEqual(['first#1', 'second#2', 'second#1']);
    client.close();
  });

  it('never sends a request that is not idempotent twice: the callee may have acted on it', async () => {
    const client = new HttpClient({ url, timeoutMs: 2000 });
    await post(client, '/echo', 'first', false);
    await expect(post(client, '/echo', 'book once', false)).rejects.toThrow();
    expect(seen).toEqual(['first#1', 'book once#2']);
    client.close();
  });

  it('gives up on a callee that does not answer within the timeout, without sending again', async () => {
    const client = new HttpClient({ url, timeoutMs: 200 });
    await expect(post(client, '/silent', 'wait', true)).rejects.toBeInstanceOf(HttpTimeoutError);
    expect(seen).toEqual(['wait#1']);
    client.close();
  });
});
