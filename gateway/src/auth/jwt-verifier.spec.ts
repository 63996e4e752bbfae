import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { mintDevToken } from './dev-key';
import { AuthenticationError, createCallerResolver } from './jwt-verifier';

const issuer = 'https://auth.example.test';
const audience = 'instainstru-api';

async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' } };
}

describe('JWT verification against an identity provider JWKS (production mode)', () => {
  let server: Server;
  let jwksUrl: string;
  const published: JWK[] = [];

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a token signed by a published key and reads the caller from it', async () => {
    const key = await keyPair('prod-1');
    published.push(key.publicJwk);
    const resolveCaller = createCallerResolver({ issuer, audience, jwksUrl });
    const token = await mintDevToken(key.privateJwk, { sub: 'user-42', roles: ['student', 'not-a-role'], issuer, audience });
    await expect(resolveCaller(`Bearer ${token}`, 'req-1')).resolves.toEqual({ userId: 'user-42', roles: ['student'], requestId: 'req-1' });
  });

  it('picks up a rotated key from the JWKS', async () => {
    const rotated = await keyPair('prod-2');
    published.push(rotated.publicJwk);
    const resolveCaller = createCallerResolver({ issuer, audience, jwksUrl });
    const token = await mintDevToken(rotated.privateJwk, { sub: 'user-43', roles: ['instructor'], issuer, audience });
    await expect(resolveCaller(`Bearer ${token}`, 'req-2')).resolves.toMatchObject({ userId: 'user-43', roles: ['instructor'] });
  });

  it('refuses a key the provider does not publish, another issuer or another audience', async () => {
    const resolveCaller = createCallerResolver({ issuer, audience, jwksUrl });
    const stranger = await keyPair('prod-1');
    const known = await keyPair('prod-3');
    published.push(known.publicJwk);
    const cases = [
      await mintDevToken(stranger.privateJwk, { sub: 'x', roles: ['admin'], issuer, audience }),
      await mintDevToken(known.privateJwk, { sub: 'x', roles: ['admin'], issuer: 'https://evil.test', audience }),
      await mintDevToken(known.privateJwk, { sub: 'x', roles: ['admin'], issuer, audience: 'another-api' }),
    ];
    for (const token of cases) {
      await expect(resolveCaller(`Bearer ${token}`, 'r')).rejects.toBeInstanceOf(AuthenticationError);
    }
  });

  it('treats a missing header as an anonymous caller', async () => {
    const resolveCaller = createCallerResolver({ issuer, audience, jwksUrl });
    await expect(resolveCaller(undefined, 'r')).resolves.toEqual({ userId: null, roles: [], requestId: 'r' });
  });
});
