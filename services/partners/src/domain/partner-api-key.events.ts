import { PartnerEventType, type NewEvent, type PartnersApiKeyCreatedV1, type PartnersApiKeyRevokedV1 } from '@instainstru/events';
import type { PartnerApiKey } from './partner-api-key.types';

/* The partners service's events (schemas/events/partners.*.v1.json, topic `<prefix>partners.events`); payload types generated from the schemas. */

/** The key as admins see it; never the secret or its hash. */
const stateOf = (key: PartnerApiKey): PartnersApiKeyCreatedV1 => ({
  apiKeyId: key.id,
  name: key.name,
  scopes: key.scopes,
  plan: { ...key.plan },
  keyPrefix: key.keyPrefix,
  createdAt: key.createdAt,
  createdBy: key.createdBy,
});

export function apiKeyCreatedEvent(key: PartnerApiKey): NewEvent<PartnersApiKeyCreatedV1> {
  return { type: PartnerEventType.ApiKeyCreated, aggregateId: key.id, payload: stateOf(key), occurredAt: new Date(key.createdAt) };
}

export function apiKeyRevokedEvent(key: PartnerApiKey, revokedBy: string, revokedAt: Date): NewEvent<PartnersApiKeyRevokedV1> {
  return {
    type: PartnerEventType.ApiKeyRevoked,
    aggregateId: key.id,
    payload: { ...stateOf(key), revokedAt: revokedAt.toISOString(), revokedBy },
    occurredAt: revokedAt,
  };
}
