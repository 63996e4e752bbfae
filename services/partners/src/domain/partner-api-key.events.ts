import type { NewEvent } from '@instainstru/events';
import type { PartnerApiKey } from './partner-api-key.types';

/** The partners service's events (schemas/events/partners.*.v1.json, topic `<prefix>partners.events`). */
export const PartnerEventType = {
  ApiKeyCreated: 'partners.api-key-created',
  ApiKeyRevoked: 'partners.api-key-revoked',
} as const;

/** The key as admins see it; never the secret or its hash. */
const stateOf = (key: PartnerApiKey) => ({
  apiKeyId: key.id,
  name: key.name,
  scopes: key.scopes,
  plan: { ...key.plan },
  keyPrefix: key.keyPrefix,
  createdAt: key.createdAt,
  createdBy: key.createdBy,
});

export function apiKeyCreatedEvent(key: PartnerApiKey): NewEvent<object> {
  return { type: PartnerEventType.ApiKeyCreated, aggregateId: key.id, payload: stateOf(key), occurredAt: new Date(key.createdAt) };
}

export function apiKeyRevokedEvent(key: PartnerApiKey, revokedBy: string, revokedAt: Date): NewEvent<object> {
  return {
    type: PartnerEventType.ApiKeyRevoked,
    aggregateId: key.id,
    payload: { ...stateOf(key), revokedAt: revokedAt.toISOString(), revokedBy },
    occurredAt: revokedAt,
  };
}
