import { HeaderMap } from '@apollo/server';
import { CALLER_HEADER, CALLER_SIGNATURE_HEADER, signCaller, verifyCaller, type Caller } from './caller';

const secret = 'a-test-secret-of-decent-length';
const caller: Caller = { userId: 'student-1', roles: ['student'], requestId: 'req-1' };

function headersOf(values: Record<string, string>): HeaderMap {
  const map = new HeaderMap();
  for (const [k, v] of Object.entries(values)) map.set(k, v);
  return map;
}

describe('signed caller header', () => {
  it('round-trips the caller when signed with the shared secret', () => {
    const now = 1_700_000_000_000;
    expect(verifyCaller(headersOf(signCaller(caller, secret, now)), secret, 60_000, now + 1000)).toEqual({ ok: true, caller });
  });

  it('refuses a missing header', () => {
    expect(verifyCaller(headersOf({}), secret, 60_000)).toEqual({ ok: false, reason: 'missing' });
  });

  it('refuses a signature made with another secret', () => {
    expect(verifyCaller(headersOf(signCaller(caller, 'some-other-secret-value')), secret, 60_000)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a payload changed after signing', () => {
    const signed = signCaller(caller, secret);
    const forged = Buffer.from(JSON.stringify({ ...caller, roles: ['admin'] })).toString('base64url');
    expect(verifyCaller(headersOf({ ...signed, [CALLER_HEADER]: forged }), secret, 60_000)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a timestamp moved after signing', () => {
    const now = Date.now();
    const signed = signCaller(caller, secret, now - 120_000);
    const moved = signed[CALLER_SIGNATURE_HEADER]!.replace(/^t=\d+/, `t=${now}`);
    expect(verifyCaller(headersOf({ ...signed, [CALLER_SIGNATURE_HEADER]: moved }), secret, 60_000, now)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses a signature older or newer than the allowed age', () => {
    const now = Date.now();
    expect(verifyCaller(headersOf(signCaller(caller, secret, now - 61_000)), secret, 60_000, now)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyCaller(headersOf(signCaller(caller, secret, now + 61_000)), secret, 60_000, now)).toEqual({ ok: false, reason: 'stale' });
  });

  it('refuses a malformed signature header', () => {
    const signed = signCaller(caller, secret);
    expect(verifyCaller(headersOf({ ...signed, [CALLER_SIGNATURE_HEADER]: 'v1=abc' }), secret, 60_000)).toEqual({ ok: false, reason: 'malformed' });
  });
});
