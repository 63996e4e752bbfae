import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signCaller } from './caller';
import { ApiErrorCode, ServiceError } from './errors';
import { InternalClient, internalRoute, RemoteServiceError } from './internal-call';

class SlotTaken extends ServiceError<'SLOT_TAKEN'> {
  get apiCode() {
    return ApiErrorCode.Conflict;
  }
}

const secret = 'internal-call-test-secret-0123456789';
let server: Server;
let baseUrl: string;
const unexpected: unknown[] = [];

beforeAll(async () => {
  const route = internalRoute<{ start: string }>({
    signingSecret: secret,
    callerMaxAgeMs: 60_000,
    allow: ['booking'],
    parse: (body) => {
      const start = (body as { start?: unknown }).start;
      if (typeof start !== 'string') throw new Error('start must be a string');
      return { start };
    },
    handle: async (input, caller) => {
      if (input.start === 'taken') throw new SlotTaken('SLOT_TAKEN', 'That time is taken', { heldBy: 'b-1' });
      if (input.start === 'boom') throw new Error('database exploded');
      return { held: input.start, by: caller.service };
    },
    onUnexpected: (error) => unexpected.push(error),
  });
  server = createServer((req, res) => void route(req, res, 'req-1'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const client = (from: 'booking' | 'catalog', signingSecret = secret) => new InternalClient({ from, to: 'availability', baseUrl, signingSecret, timeoutMs: 2000 });

describe('service-to-service calls', () => {
  it('answers an allowed, signed service with the handler result', async () => {
    const booking = client('booking');
    await expect(booking.post('/internal/holds', { start: '10:00' })).resolves.toEqual({ held: '10:00', by: 'booking' });
    booking.close();
  });

  it('rethrows the callee service error with its code, reason and details', async () => {
    const booking = client('booking');
    const error = await booking.post('/internal/holds', { start: 'taken' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteServiceError);
    expect(error).toMatchObject({ apiCode: ApiErrorCode.Conflict, code: 'SLOT_TAKEN', details: { heldBy: 'b-1' } });
    booking.close();
  });

  it('refuses services not on the route allow-list, and wrong signatures', async () => {
    const catalog = client('catalog');
    await expect(catalog.post('/internal/holds', { start: '10:00' })).rejects.toMatchObject({ apiCode: ApiErrorCode.Forbidden, code: 'SERVICE_NOT_ALLOWED' });
    const forger = client('booking', 'a-different-secret-0123456789abcdef');
    await expect(forger.post('/internal/holds', { start: '10:00' })).rejects.toMatchObject({ apiCode: ApiErrorCode.Unauthenticated });
    catalog.close();
    forger.close();
  });

  it('refuses unsigned requests and bodies the route cannot parse', async () => {
    const unsigned = await fetch(`${baseUrl}/internal/holds`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    const headers = signCaller({ userId: null, roles: [], requestId: 'r', service: 'booking' }, secret);
    const bad = await fetch(`${baseUrl}/internal/holds`, { method: 'POST', headers, body: '{"start": 5}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', reason: 'INVALID_REQUEST' } });
  });

  it('hides unexpected failures behind SERVICE_UNAVAILABLE and reports them', async () => {
    const booking = client('booking');
    await expect(booking.post('/internal/holds', { start: 'boom' })).rejects.toMatchObject({ apiCode: ApiErrorCode.ServiceUnavailable, code: 'SERVICE_FAILED' });
    expect(unexpected).toHaveLength(1);
    booking.close();
  });

  it('turns an unreachable service into SERVICE_UNAVAILABLE', async () => {
    const nowhere = new InternalClient({ from: 'booking', to: 'availability', baseUrl: 'http://127.0.0.1:1', signingSecret: secret });
    await expect(nowhere.post('/internal/holds', {})).rejects.toMatchObject({ apiCode: ApiErrorCode.ServiceUnavailable, code: 'SERVICE_UNREACHABLE' });
    nowhere.close();
  });
});

describe('service-to-service calls over kept-alive connections', () => {
  /** A callee that answers each connection's first request and drops the connection on its next one. */
  let dropping: Server;
  let seen: string[];
  let url: string;

  beforeAll(async () => {
    const requestsOn = new WeakMap<object, number>();
    dropping = createServer((req, res) => {
      const n = (requestsOn.get(req.socket) ?? 0) + 1;
      requestsOn.set(req.socket, n);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        seen.push(`${(JSON.parse(body) as { call: string }).call}#${n}`);
        if (n > 1 || body.includes('always-drop')) return void req.socket.destroy();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { ok: true } }));
      });
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    seen = [];
  });

  afterAll(async () => {
    await new Promise((resolve) => dropping.close(resolve));
  });

  const callee = () => new InternalClient({ from: 'booking', to: 'availability', baseUrl: url, signingSecret: secret, timeoutMs: 2000 });

  it('sends a request again on a new connection when a kept-alive one was closed under it', async () => {
    const booking = callee();
    await expect(booking.post('/internal/holds', { call: 'first' })).resolves.toEqual({ ok: true });
    // The connection kept from the first call is dropped by the callee: the request goes again on a fresh one.
    await expect(booking.post('/internal/holds', { call: 'second' })).resolves.toEqual({ ok: true });
    expect(seen).toEqual(['first#1', 'second#2', 'second#1']);
    booking.close();
  });

  it('does not send again a request that failed on a fresh connection', async () => {
    const booking = callee();
    await expect(booking.post('/internal/holds', { call: 'always-drop' })).rejects.toMatchObject({ apiCode: ApiErrorCode.ServiceUnavailable, code: 'SERVICE_UNREACHABLE' });
    expect(seen).toEqual(['always-drop#1']);
    booking.close();
  });
});
