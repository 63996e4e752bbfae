import { DEV_SIGNING_SECRET } from '@instainstru/platform';
import { loadGatewayConfig } from './config';

const PRODUCTION_READY = { JWT_JWKS_URL: 'https://auth.example.com/.well-known/jwks.json', SUBGRAPH_SIGNING_SECRET: 'a-production-secret-of-enough-length' };

describe('gateway configuration', () => {
  it('is production unless development is said explicitly', () => {
    expect(loadGatewayConfig({ ...PRODUCTION_READY }).production).toBe(true);
    expect(loadGatewayConfig({ ...PRODUCTION_READY, NODE_ENV: 'staging' }).production).toBe(true);
    expect(loadGatewayConfig({ NODE_ENV: 'development' }).production).toBe(false);
  });

  it('refuses the development key and secrets in production', () => {
    expect(() => loadGatewayConfig({ SUBGRAPH_SIGNING_SECRET: PRODUCTION_READY.SUBGRAPH_SIGNING_SECRET })).toThrow(/JWT_JWKS_URL/);
    expect(() => loadGatewayConfig({ JWT_JWKS_URL: PRODUCTION_READY.JWT_JWKS_URL, SUBGRAPH_SIGNING_SECRET: DEV_SIGNING_SECRET })).toThrow(/SUBGRAPH_SIGNING_SECRET/);
  });

  it('runs only trusted documents in production unless configured otherwise, and caps token lifetime', () => {
    const production = loadGatewayConfig({ ...PRODUCTION_READY });
    expect(production.allowArbitraryOperations).toBe('none');
    expect(production.jwt.maxLifetimeSeconds).toBe(86_400);
    expect(production.manifest.size).toBeGreaterThan(0);
    expect(loadGatewayConfig({ ...PRODUCTION_READY, ALLOW_ARBITRARY_OPERATIONS: 'signed-in' }).allowArbitraryOperations).toBe('signed-in');
    expect(loadGatewayConfig({ ...PRODUCTION_READY, ALLOW_ARBITRARY_OPERATIONS: 'true' }).allowArbitraryOperations).toBe('all');
    expect(loadGatewayConfig({ NODE_ENV: 'development' }).allowArbitraryOperations).toBe('all');
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', ALLOW_ARBITRARY_OPERATIONS: 'partners' })).toThrow();
  });

  it('keeps the subgraph timeout well under 30 s', () => {
    expect(loadGatewayConfig({ NODE_ENV: 'development' }).subgraphTimeoutMs).toBeLessThanOrEqual(10_000);
    expect(() => loadGatewayConfig({ NODE_ENV: 'development', SUBGRAPH_TIMEOUT_MS: '120000' })).toThrow();
  });
});
