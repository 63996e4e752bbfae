import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** Where the local development signing key lives (never used in production). */
export function devKeyPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DEV_JWT_KEY_FILE ?? resolve(env.INFRA_HOME ?? resolve(__dirname, '../../../.infra'), 'dev-jwt-key.json');
}

export interface DevKeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the local development key pair, creating it on first use (atomically). */
export async function loadOrCreateDevKey(path = devKeyPath()): Promise<DevKeyPair> {
  if (!existsSync(path)) {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const pair: DevKeyPair = {
      privateJwk: { ...(await exportJWK(privateKey)), kid: 'dev-1', alg: 'EdDSA' },
      publicJwk: { ...(await exportJWK(publicKey)), kid: 'dev-1', alg: 'EdDSA' },
    };
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(pair), { mode: 0o600 });
    if (!existsSync(path)) renameSync(tmp, path);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as DevKeyPair;
}

export interface DevTokenClaims {
  sub: string;
  roles: string[];
  /** The user's display name (the `name` claim). */
  name?: string;
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Signs a development JWT with the local key (what `npm run dev-token` prints). */
export async function mintDevToken(privateJwk: JWK, claims: DevTokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, 'EdDSA');
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: claims.roles, ...(claims.name ? { name: claims.name } : {}) })
    .setProtectedHeader({ alg: 'EdDSA', kid: privateJwk.kid ?? 'dev-1' })
    .setSubject(claims.sub)
    .setIssuer(claims.issuer ?? process.env.JWT_ISSUER ?? 'https://auth.instainstru.dev')
    .setAudience(claims.audience ?? process.env.JWT_AUDIENCE ?? 'instainstru-api')
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttlSeconds ?? 3600))
    .sign(key);
}
