import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Caller, UserRole } from '@instainstru/platform';

const ROLES: readonly UserRole[] = ['student', 'instructor', 'admin'];

export class AuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

export interface JwtVerifierOptions {
  issuer: string;
  audience: string;
  /** Production: the identity provider's JWKS endpoint. */
  jwksUrl?: string;
  /** Development and tests: public keys trusted directly. */
  publicJwks?: JWK[];
  /** Longest lifetime (exp − iat) a token may have; tokens must then carry `iat`. */
  maxLifetimeSeconds?: number;
}

export type CallerResolver = (authorization: string | undefined, requestId: string) => Promise<Caller>;

function rolesOf(payload: JWTPayload): UserRole[] {
  const claimed = Array.isArray(payload.roles) ? payload.roles : typeof payload.role === 'string' ? [payload.role] : [];
  return claimed.filter((r): r is UserRole => ROLES.includes(r as UserRole));
}

/**
 * Turns the Authorization header into the caller: no header means an anonymous caller; a bearer
 * token must verify (signature, issuer, audience, expiry) or the request is refused.
 */
export function createCallerResolver(options: JwtVerifierOptions): CallerResolver {
  const keys = options.jwksUrl
    ? createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 600_000 })
    : createLocalJWKSet({ keys: options.publicJwks ?? [] });
  return async (authorization, requestId = randomUUID()) => {
    if (!authorization) return { userId: null, roles: [], requestId };
    const match = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('Authorization header must be "Bearer <token>"');
    try {
      const { payload } = await jwtVerify(match[1]!, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['EdDSA', 'ES256', 'RS256'],
        clockTolerance: 5,
        requiredClaims: options.maxLifetimeSeconds ? ['sub', 'exp', 'iat'] : ['sub', 'exp'],
      });
      if (options.maxLifetimeSeconds && payload.exp! - payload.iat! > options.maxLifetimeSeconds) {
        throw new AuthenticationError(`Token lifetime exceeds ${options.maxLifetimeSeconds} seconds`);
      }
      const name = displayNameOf(payload.name);
      return { userId: payload.sub!, roles: rolesOf(payload), requestId, ...(name ? { name } : {}) };
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('Token has expired');
      throw new AuthenticationError('Token is not valid');
    }
  };
}

/** The token's `name` claim as a display name: trimmed, at most 100 characters, no control characters; undefined otherwise. */
function displayNameOf(claim: unknown): string | undefined {
  if (typeof claim !== 'string') return undefined;
  const name = claim.trim();
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > 100 || /[\u0000-\u001f\u007f]/.test(name)) return undefined;
  return name;
}
