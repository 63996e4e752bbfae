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
