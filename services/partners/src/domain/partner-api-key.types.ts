import type { PartnerScope } from '@instainstru/platform';

export type { PartnerScope } from '@instainstru/platform';

/** A partner's rate limit: a token bucket. */
export interface PartnerPlan {
  bucketSize: number;
  restoreRatePerSecond: number;
}

/** A key as admins see it; never its secret or the secret's hash. */
export interface PartnerApiKey {
  id: string;
  name: string;
  scopes: PartnerScope[];
  plan: PartnerPlan;
  /** The secret's public start, e.g. `iik_3f9a2c`. */
  keyPrefix: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

/** What createPartnerApiKey answers: the only time the secret exists outside the partner's hands. */
export interface CreatedPartnerApiKey {
  apiKey: PartnerApiKey;
  secret: string;
}

/** What an admin asks for, as it arrives (validated by validatePartnerApiKeyRequest). */
export interface PartnerApiKeyRequest {
  name: string;
  scopes: readonly string[];
  plan: PartnerPlan;
}

/** A key and the SHA-256 (hex) of its secret: what the projection is keyed by. */
export interface HashedPartnerApiKey {
  key: PartnerApiKey;
  secretHash: string;
}
