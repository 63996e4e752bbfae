import { PARTNER_KEY_SECRET_PATTERN, partnerKeyHash } from '@instainstru/platform';
import { newPartnerSecret, validatePartnerApiKeyRequest } from './partner-api-key.rules';
import { PartnersError } from './partners.errors';

const valid = { name: 'Search widget', scopes: ['catalog:read'], plan: { bucketSize: 100, restoreRatePerSecond: 10 } };

function refusal(request: typeof valid): PartnersError {
  try {
    validatePartnerApiKeyRequest(request);
  } catch (error) {
    if (error instanceof PartnersError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('a partner API key request', () => {
  it('is accepted at the bounds, with its name trimmed', () => {
    expect(validatePartnerApiKeyRequest({ name: ` ${'é'.repeat(100)} `, scopes: ['bookings:write', 'catalog:read'], plan: { bucketSize: 100_000, restoreRatePerSecond: 1 } })).toEqual({
      name: 'é'.repeat(100),
      scopes: ['bookings:write', 'catalog:read'],
      plan: { bucketSize: 100_000, restoreRatePerSecond: 1 },
    });
  });

  it.each([
    ['an empty name', { ...valid, name: '' }, 'INVALID_NAME', 'name'],
    ['a name of 101 characters', { ...valid, name: 'a'.repeat(101) }, 'INVALID_NAME', 'name'],
    ['a tab in the name', { ...valid, name: 'a\tb' }, 'INVALID_NAME', 'name'],
    ['no scope', { ...valid, scopes: [] }, 'INVALID_SCOPES', 'scopes'],
    ['an unknown scope', { ...valid, scopes: ['admin:all'] }, 'INVALID_SCOPES', 'scopes'],
    ['a repeated scope', { ...valid, scopes: ['catalog:read', 'bookings:read', 'catalog:read'] }, 'INVALID_SCOPES', 'scopes'],
    ['a fractional bucket', { ...valid, plan: { bucketSize: 1.5, restoreRatePerSecond: 1 } }, 'INVALID_PLAN', 'plan.bucketSize'],
    ['a zero restore rate', { ...valid, plan: { bucketSize: 1, restoreRatePerSecond: 0 } }, 'INVALID_PLAN', 'plan.restoreRatePerSecond'],
  ])('is refused with %s', (_case, request, reason, field) => {
    const error = refusal(request);
    expect({ code: error.code, apiCode: error.apiCode, field: error.details?.field }).toEqual({ code: reason, apiCode: 'BAD_USER_INPUT', field });
  });
});

describe('a new secret', () => {
  it('has the format gateways accept, starts with its public prefix, and is hashed with SHA-256', () => {
    const { secret, keyPrefix, secretHash } = newPartnerSecret();
    expect(secret).toMatch(PARTNER_KEY_SECRET_PATTERN);
    expect(keyPrefix).toMatch(/^iik_[0-9a-f]{6}$/);
    expect(secret.startsWith(`${keyPrefix}_`)).toBe(true);
    expect(secretHash).toBe(partnerKeyHash(secret));
    expect(secretHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is different every time', () => {
    const secrets = new Set(Array.from({ length: 100 }, () => newPartnerSecret().secret));
    expect(secrets.size).toBe(100);
  });
});
