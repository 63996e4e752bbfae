import { createHmac, hash, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ServiceName } from '../runtime/service-names';

/**
 * Who is calling, as established by the gateway and trusted by subgraphs only when the
 * signed caller header verifies.
 */
export type UserRole = 'student' | 'instructor' | 'admin';

export interface Caller {
  /** Authenticated user id, or null for anonymous callers. */
  userId: string | null;
  roles: UserRole[];
  /** The user's display name from the token's `name` claim (OpenID Connect), when it carries one. */
  name?: string;
  /** Partner id when the call came in with a partner API key. */
  partnerId?: string;
  scopes?: string[];
  /** The calling service, for service-to-service calls (see internal-call.ts). */
  service?: ServiceName;
  requestId: string;
}

export const CALLER_HEADER = 'x-instainstru-caller';
export const CALLER_SIGNATURE_HEADER = 'x-instainstru-signature';

/** How long a signature is good for once made; a receiver may cut it shorter (CALLER_MAX_AGE_MS). */
export const CALLER_SIGNATURE_TTL_MS = 30_000;
/** How far ahead of the receiver's clock an issue time may be: two hosts' clocks differ a little. */
export const CALLER_CLOCK_SKEW_MS = 5_000;

/**
 * The signature (scheme v2) is an HMAC-SHA256 over one request: the service it is for, the
 * method, the path, the SHA-256 of the exact body bytes, the issue and expiry times and the
 * caller. A header captured on its way to one service is worthless against another service,
 * another route, with another body, or after it expired.
 *
 *   x-instainstru-caller:    base64url(JSON caller)
 *   x-instainstru-signature: a=<service>,t=<issued ms>,e=<expires ms>,v2=<base64url mac>
 */
const SCHEME = 'instainstru-caller/v2';
const SIGNATURE = /^a=([a-z][a-z0-9-]{0,62}),t=(\d{1,15}),e=(\d{1,15}),v2=([A-Za-z0-9_-]{43})$/;
/** A service's own key as SUBGRAPH_SIGNING_KEY spells it. */
const SERVICE_KEY = /^caller-key\.v2\.([a-z][a-z0-9-]{0,62})\.([A-Za-z0-9_-]{43})$/;

/**
 * The key that signs and verifies calls to one service. Each service's key is derived from the
 * master secret (HKDF-SHA256, info `instainstru-caller/v2/<service>`), so a service given only its
 * own key can verify calls to itself but sign calls to no other service.
 */
export interface CallerKey {
  readonly service: string;
  readonly bytes: Buffer;
}

/** What a signature covers besides the caller: the request as it travels. */
export interface SignedRequest {
  method: string;
  /** The request target as sent and received: path and query string (`/graphql`, `/internal/holds/hold`). */
  path: string;
  /** The exact body bytes (a string stands for its UTF-8 bytes). */
  body: string | Uint8Array;
}

const keys = new Map<string, Map<string, CallerKey>>();

/**
 * The key for calls to `service`, from the master secret or from that service's own key
 * (`caller-key.v2.<service>.…`); throws when `secret` is another service's own key. Derived once
 * per secret and service: signing and verifying are on every request's path.
 */
export function callerKeyFor(secret: string, service: string): CallerKey {
  let byService = keys.get(secret);
  if (!byService) keys.set(secret, (byService = new Map()));
  let key = byService.get(service);
  if (!key) {
    key = deriveCallerKey(secret, service);
    byService.set(service, key);
  }
  return key;
}

function deriveCallerKey(secret: string, service: string): CallerKey {
  const own = SERVICE_KEY.exec(secret);
  if (!own) return { service, bytes: Buffer.from(hkdfSync('sha256', secret, '', `${SCHEME}/${service}`, 32)) };
  if (own[1] !== service) {
    throw new Error(`Only the ${own[1]} service's caller key is configured; calls to ${service} need SUBGRAPH_SIGNING_SECRET`);
  }
  return { service, bytes: Buffer.from(own[2]!, 'base64url') };
}

/** A service's own key, for its SUBGRAPH_SIGNING_KEY, derived from the master secret. */
export function serviceCallerKey(masterSecret: string, service: ServiceName): string {
  return `caller-key.v2.${service}.${callerKeyFor(masterSecret, service).bytes.toString('base64url')}`;
}

/** The service a SUBGRAPH_SIGNING_KEY value is for, or null when it is not one. */
export function serviceOfCallerKey(value: string): string | null {
  return SERVICE_KEY.exec(value)?.[1] ?? null;
}

function mac(key: CallerKey, request: SignedRequest, issuedAt: number, expiresAt: number, payload: string): Buffer {
  const bodyHash = hash('sha256', request.body, 'base64url');
  return createHmac('sha256', key.bytes)
    .update(`${SCHEME}\n${key.service}\n${request.method.toUpperCase()}\n${request.path}\n${bodyHash}\n${issuedAt}\n${expiresAt}\n${payload}`)
    .digest();
}

/** Headers carrying the caller, signed for one request to the key's service and good for `ttlMs`. */
export function signCaller(
  caller: Caller,
  key: CallerKey,
  request: SignedRequest,
  now = Date.now(),
  ttlMs = CALLER_SIGNATURE_TTL_MS,
): Record<string, string> {
  const payload = Buffer.from(JSON.stringify(caller)).toString('base64url');
  const expiresAt = now + ttlMs;
  return {
    [CALLER_HEADER]: payload,
    [CALLER_SIGNATURE_HEADER]: `a=${key.service},t=${now},e=${expiresAt},v2=${mac(key, request, now, expiresAt, payload).toString('base64url')}`,
  };
}

export type CallerRefusal =
  | 'missing'
  | 'malformed'
  /** Signed for another service. */
  | 'wrong-service'
  /** Another key, or another method, path, body, time or caller than were signed. */
  | 'bad-signature'
  /** Past its expiry, or older than the receiver accepts. */
  | 'expired'
  /** Issued later than the receiver's clock allows for skew. */
  | 'issued-in-future';

export type CallerVerification = { ok: true; caller: Caller } | { ok: false; reason: CallerRefusal };

/**
 * Verifies the signed caller headers against the request as received (its body already read):
 * the service named must be the key's, the MAC must cover this method, path and body
 * (constant-time comparison), and `now` must fall between the issue time (less the clock skew)
 * and the earlier of the expiry and the issue time plus `maxAgeMs`.
 */
export function verifyCaller(
  headers: { get(name: string): string | undefined | null },
  key: CallerKey,
  request: SignedRequest,
  maxAgeMs: number,
  now = Date.now(),
): CallerVerification {
  const payload = headers.get(CALLER_HEADER);
  const signature = headers.get(CALLER_SIGNATURE_HEADER);
  if (!payload || !signature) return { ok: false, reason: 'missing' };
  const match = SIGNATURE.exec(signature);
  if (!match) return { ok: false, reason: 'malformed' };
  if (match[1] !== key.service) return { ok: false, reason: 'wrong-service' };
  const issuedAt = Number(match[2]);
  const expiresAt = Number(match[3]);
  const given = Buffer.from(match[4]!, 'base64url');
  const expected = mac(key, request, issuedAt, expiresAt, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  if (issuedAt > now + CALLER_CLOCK_SKEW_MS) return { ok: false, reason: 'issued-in-future' };
  if (now > expiresAt || now > issuedAt + maxAgeMs) return { ok: false, reason: 'expired' };
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
