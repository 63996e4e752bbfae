import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiErrorCode, ServiceError } from '../api/errors';
import { callerKeyFor, serviceCallerKey, signCaller } from './caller';
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
    service: 'availability',
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

const client = (from: 'booking' | 'catalog', signingSecret = secret, to: 'availability' | 'catalog' = 'availability') =>
  new InternalClient({ from, to, baseUrl, signingSecret, timeoutMs: 2000 });

/** The headers and body of one call as the booking client sends it, caught on the wire. */
async function captureCall(body: unknown): Promise<{ headers: Record<string, string>; body: string }> {
  let caught: { headers: Record<string, string>; body: string } | undefined;
  const wire = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      caught = { headers: req.headers as Record<string, string>, body: text };
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}');
    });
  });
  await new Promise<void>((resolve) => wire.listen(0, '127.0.0.1', resolve));
  const booking = new InternalClient({ from: 'booking', to: 'availability', baseUrl: `http://127.0.0.1:${(wire.address() as AddressInfo).port}`, signingSecret: secret });
  try {
    await booking.post('/internal/holds', body);
  } finally {
    booking.close();
    await new Promise((resolve) => wire.close(resolve));
  }
  return caught!;
}

const signatureOf = ({ headers }: { headers: Record<string, string> }) => ({
  'x-instainstru-caller': headers['x-instainstru-caller']!,
  'x-instainstru-signature': headers['x-instainstru-signature']!,
});

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
    const misdirected = client('booking', secret, 'catalog');
    await expect(misdirected.post('/internal/holds', { start: '10:00' })).rejects.toMatchObject({
      apiCode: ApiErrorCode.Unauthenticated,
      message: 'Caller signature wrong-service',
    });
    for (const each of [catalog, forger, misdirected]) each.close();
  });

  it('answers a caller holding only the callee key', async () => {
    const booking = client('booking', serviceCallerKey(secret, 'availability'));
    await expect(booking.post('/internal/holds', { start: '10:00' })).resolves.toEqual({ held: '10:00', by: 'booking' });
    booking.close();
    expect(() => client('booking', serviceCallerKey(secret, 'catalog'))).toThrow(/Only the catalog service's caller key/);
  });

  it('refuses a captured call replayed with another body, to another path or after it expired', async () => {
    const captured = await captureCall({ start: '10:00' });
    const replay = (path: string, body: string, headers: Record<string, string> = signatureOf(captured)) =>
      fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    const asSent = await replay('/internal/holds', captured.body);
    expect(asSent.status).toBe(200);
    const otherBody = await replay('/internal/holds', JSON.stringify({ start: '11:00' }));
    expect(otherBody.status).toBe(401);
    expect(await otherBody.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED', reason: 'BAD_CALLER_SIGNATURE', message: 'Caller signature bad-signature' } });
    expect((await replay('/internal/holds/release', captured.body)).status).toBe(401);

    const expired = signCaller(
      { userId: null, roles: [], requestId: 'r', service: 'booking' },
      callerKeyFor(secret, 'availability'),
      { method: 'POST', path: '/internal/holds', body: captured.body },
      Date.now() - 31_000,
    );
    const late = await replay('/internal/holds', captured.body, expired);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: { message: 'Caller signature expired' } });
  });

  it('refuses unsigned requests and bodies the route cannot parse', async () => {
    const unsigned = await fetch(`${baseUrl}/internal/holds`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
    const body = '{"start": 5}';
    const headers = signCaller({ userId: null, roles: [], requestId: 'r', service: 'booking' }, callerKeyFor(secret, 'availability'), { method: 'POST', path: '/internal/holds', body });
    const bad = await fetch(`${baseUrl}/internal/holds`, { method: 'POST', headers, body });
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
