import { HeaderMap } from '@apollo/server';
import {
  CALLER_HEADER,
  CALLER_SIGNATURE_HEADER,
  callerKeyFor,
  serviceCallerKey,
  serviceOfCallerKey,
  signCaller,
  verifyCaller,
  type Caller,
  type SignedRequest,
} from './caller';
import { DEV_SIGNING_SECRET, loadServiceConfig } from '../runtime/config';

const secret = 'a-test-secret-of-decent-length';
const caller: Caller = { userId: 'student-1', roles: ['student'], requestId: 'req-1' };
const catalogKey = callerKeyFor(secret, 'catalog');
const request: SignedRequest = { method: 'POST', path: '/graphql', body: '{"query":"{ categories { slug } }"}' };
const maxAgeMs = 60_000;
const now = 1_700_000_000_000;

function headersOf(values: Record<string, string>): HeaderMap {
  const map = new HeaderMap();
  for (const [k, v] of Object.entries(values)) map.set(k, v);
  return map;
}

/** Headers signed for catalog's /graphql with `request`'s body at `now`. */
const signed = (at = now, ttlMs?: number) => headersOf(signCaller(caller, catalogKey, request, at, ttlMs));

describe('a signed caller header', () => {
  it('verifies for the service, method, path and exact body it was signed for', () => {
    expect(verifyCaller(signed(), catalogKey, request, maxAgeMs, now + 1000)).toEqual({ ok: true, caller });
    const bytes = { ...request, body: Buffer.from(request.body as string) };
    expect(verifyCaller(signed(), catalogKey, bytes, maxAgeMs, now + 1000)).toEqual({ ok: true, caller });
  });

  it('names the service, issue time and expiry, 30 s later unless the signer says otherwise', () => {
    expect(signed().get(CALLER_SIGNATURE_HEADER)).toMatch(new RegExp(`^a=catalog,t=${now},e=${now + 30_000},v2=[A-Za-z0-9_-]{43}$`));
    expect(signed(now, 5000).get(CALLER_SIGNATURE_HEADER)).toContain(`e=${now + 5000},`);
  });

  it('verifies with a service key given on its own as with the master secret', () => {
    const own = serviceCallerKey(secret, 'catalog');
    expect(serviceOfCallerKey(own)).toBe('catalog');
    expect(verifyCaller(signed(), callerKeyFor(own, 'catalog'), request, maxAgeMs, now)).toEqual({ ok: true, caller });
  });
});

describe('a refused caller header', () => {
  it('is missing', () => {
    expect(verifyCaller(headersOf({}), catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'missing' });
    const onlyCaller = headersOf({ [CALLER_HEADER]: signed().get(CALLER_HEADER)! });
    expect(verifyCaller(onlyCaller, catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'missing' });
  });

  it('is malformed, or in the old unbound v1 form', () => {
    const payload = signed().get(CALLER_HEADER)!;
    for (const signature of ['v1=abc', `t=${now},v1=${'a'.repeat(43)}`, `a=catalog,t=${now},v2=${'a'.repeat(43)}`]) {
      const headers = headersOf({ [CALLER_HEADER]: payload, [CALLER_SIGNATURE_HEADER]: signature });
      expect(verifyCaller(headers, catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('was signed for another service', () => {
    expect(verifyCaller(signed(), callerKeyFor(secret, 'reviews'), request, maxAgeMs, now)).toEqual({ ok: false, reason: 'wrong-service' });
  });

  it('names this service but was signed with another service key', () => {
    const renamed = signed().get(CALLER_SIGNATURE_HEADER)!.replace('a=catalog', 'a=reviews');
    const headers = headersOf({ [CALLER_HEADER]: signed().get(CALLER_HEADER)!, [CALLER_SIGNATURE_HEADER]: renamed });
    expect(verifyCaller(headers, callerKeyFor(secret, 'reviews'), request, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('was signed with another master secret', () => {
    const forged = headersOf(signCaller(caller, callerKeyFor('some-other-secret-value', 'catalog'), request, now));
    expect(verifyCaller(forged, catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('comes with another body, even one byte apart', () => {
    const other = { ...request, body: '{"query":"{ categories { name } }"}' };
    expect(verifyCaller(signed(), catalogKey, other, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyCaller(signed(), catalogKey, { ...request, body: `${request.body as string} ` }, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('comes to another path, query string or method', () => {
    for (const other of [{ path: '/internal/holds/hold' }, { path: '/graphql?query=x' }, { method: 'GET' }]) {
      expect(verifyCaller(signed(), catalogKey, { ...request, ...other }, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('carries a caller changed after signing', () => {
    const escalated = Buffer.from(JSON.stringify({ ...caller, roles: ['admin'] })).toString('base64url');
    const headers = headersOf({ [CALLER_HEADER]: escalated, [CALLER_SIGNATURE_HEADER]: signed().get(CALLER_SIGNATURE_HEADER)! });
    expect(verifyCaller(headers, catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('has its issue time or expiry moved after signing', () => {
    const old = signed(now - 120_000);
    for (const moved of [
      old.get(CALLER_SIGNATURE_HEADER)!.replace(/t=\d+/, `t=${now}`),
      old.get(CALLER_SIGNATURE_HEADER)!.replace(/e=\d+/, `e=${now + 10_000}`),
    ]) {
      const headers = headersOf({ [CALLER_HEADER]: old.get(CALLER_HEADER)!, [CALLER_SIGNATURE_HEADER]: moved });
      expect(verifyCaller(headers, catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('is past its expiry, or older than the receiver accepts', () => {
    expect(verifyCaller(signed(now - 30_001), catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyCaller(signed(now - 30_000), catalogKey, request, maxAgeMs, now)).toEqual({ ok: true, caller });
    const longLived = signed(now - 20_000, 3_600_000);
    expect(verifyCaller(longLived, catalogKey, request, 10_000, now)).toEqual({ ok: false, reason: 'expired' });
  });

  it('was issued in the future beyond the allowed clock skew', () => {
    expect(verifyCaller(signed(now + 5001), catalogKey, request, maxAgeMs, now)).toEqual({ ok: false, reason: 'issued-in-future' });
    expect(verifyCaller(signed(now + 5000), catalogKey, request, maxAgeMs, now)).toEqual({ ok: true, caller });
  });
});

describe('per-service caller keys', () => {
  it('differ from service to service and from one master secret to another', () => {
    const keys = [callerKeyFor(secret, 'catalog'), callerKeyFor(secret, 'reviews'), callerKeyFor('some-other-secret-value', 'catalog')];
    expect(new Set(keys.map((key) => key.bytes.toString('hex'))).size).toBe(3);
  });

  it('let a service holding only its own key neither sign nor verify calls to another service', () => {
    const own = serviceCallerKey(secret, 'catalog');
    expect(() => callerKeyFor(own, 'availability')).toThrow(/Only the catalog service's caller key/);
  });

  it("come from SUBGRAPH_SIGNING_KEY in place of the master secret, and only the service's own", () => {
    const env = { NODE_ENV: 'development', SUBGRAPH_SIGNING_KEY: serviceCallerKey(DEV_SIGNING_SECRET, 'catalog') };
    const config = loadServiceConfig('catalog', env, []);
    expect(config.signingSecret).toBe(env.SUBGRAPH_SIGNING_KEY);
    const fromGateway = headersOf(signCaller(caller, callerKeyFor(DEV_SIGNING_SECRET, 'catalog'), request, now));
    expect(verifyCaller(fromGateway, callerKeyFor(config.signingSecret, 'catalog'), request, maxAgeMs, now)).toEqual({ ok: true, caller });
    expect(() => loadServiceConfig('reviews', env, [])).toThrow("SUBGRAPH_SIGNING_KEY is the catalog service's key, not reviews'");
    expect(() => loadServiceConfig('catalog', { ...env, SUBGRAPH_SIGNING_KEY: 'not-a-key' }, [])).toThrow(/SUBGRAPH_SIGNING_KEY/);
  });

  it('are recognised only in their own spelling', () => {
    expect(serviceOfCallerKey(secret)).toBeNull();
    expect(serviceOfCallerKey(`caller-key.v2.catalog.${'a'.repeat(42)}`)).toBeNull();
  });
});
