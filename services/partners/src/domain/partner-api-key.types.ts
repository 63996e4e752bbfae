import type { NewEvent } from '@instainstru/events';
import type { PartnerKey, PartnerScope } from '@instainstru/platform';

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

/** What an admin asks for, as it arrives (validated by validateNewPartnerApiKey). */
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

export interface RevokedPartnerApiKey extends HashedPartnerApiKey {
  /** False when the key was already revoked (nothing was written). */
  changed: boolean;
}

export interface PartnerApiKeyRepository {
  /** Inserts the key and appends `event` to the outbox, in one transaction. */
  insert(key: HashedPartnerApiKey, event: NewEvent<object>): Promise<void>;
  /**
   * Marks the key revoked at `at` by `revokedBy` and appends the event `eventFor` builds, in one
   * transaction; a key already revoked is answered as it is (changed: false, no event). Null when
   * there is no such key.
   */
  revoke(id: string, revokedBy: string, at: Date, eventFor: (key: PartnerApiKey) => NewEvent<object>): Promise<RevokedPartnerApiKey | null>;
  /** Newest first. */
  list(includeRevoked: boolean, limit: number): Promise<PartnerApiKey[]>;
  /** Every active key with its hash (for the projection). */
  active(): Promise<HashedPartnerApiKey[]>;
  /** The hashes of every revoked key (their projections must not exist). */
  revokedHashes(): Promise<string[]>;
}

/**
 * Where the gateways read active keys (Redis, see @instainstru/platform partner-keys). Written
 * only after the database committed: the database is the truth, the projection follows it.
 */
export interface PartnerKeyProjection {
  /** Makes the keys usable at the gateways. */
  project(keys: readonly { secretHash: string; key: PartnerKey }[]): Promise<void>;
  /** Deletes the keys' projections and tells every gateway to forget them now. */
  withdraw(secretHash: string): Promise<void>;
  /** Deletes projections quietly (the periodic repair; gateways' caches expire on their own). */
  remove(secretHashes: readonly string[]): Promise<void>;
}
