import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServiceName } from './config';

/**
 * Who is calling, as established by the gateway and trusted by subgraphs only when the
 * signed caller header verifies.
 */
export type UserRole = 'student' | 'instructor' | 'admin';

export interface Caller {
  /** Authenticated user id, or null for anonymous callers. */
  userId: string | null;
  roles: UserRole[];
  /** Partner id when the call came in with a partner API key. */
  partnerId?: string;
  scopes?: string[];
  /** The calling service, for service-to-service calls (see internal-call.ts). */
  service?: ServiceName;
  requestId: string;
}

export const CALLER_HEADER = 'x-instainstru-caller';
export const CALLER_SIGNATURE_HEADER = 'x-instainstru-signature';

function mac(secret: string, timestamp: number, payload: string): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.${payload}`).digest();
}

/** Headers carrying the caller, signed with the shared secret and stamped with the time. */
export function signCaller(caller: Caller, secret: string, now = Date.now()): Record<string, string> {
  const payload = Buffer.from(JSON.stringify(caller)).toString('base64url');
  return {
    [CALLER_HEADER]: payload,
    [CALLER_SIGNATURE_HEADER]: `t=${now},v1=${mac(secret, now, payload).toString('base64url')}`,
  };
}

export type CallerVerification =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'malformed' | 'bad-signature' | 'stale' };

/** Verifies the signed caller headers; constant-time comparison, bounded clock skew. */
export function verifyCaller(
  headers: { get(name: string): string | undefined | null },
  secret: string,
  maxAgeMs: number,
  now = Date.now(),
): CallerVerification {
  const payload = headers.get(CALLER_HEADER);
  const signature = headers.get(CALLER_SIGNATURE_HEADER);
  if (!payload || !signature) return { ok: false, reason: 'missing' };
  const match = /^t=(\d{1,16}),v1=([A-Za-z0-9_-]{43})$/.exec(signature);
  if (!match) return { ok: false, reason: 'malformed' };
  const timestamp = Number(match[1]);
  const given = Buffer.from(match[2]!, 'base64url');
  const expected = mac(secret, timestamp, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (Math.abs(now - timestamp) > maxAgeMs) return { ok: false, reason: 'stale' };
  try {
    const caller = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Caller;
    if (typeof caller !== 'object' || caller === null || !Array.isArray(caller.roles)) {
      return { ok: false, reason: 'malformed' };
    }
    return { ok: true, caller };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}

export function hasRole(caller: Caller, role: UserRole): boolean {
  return caller.roles.includes(role);
}
