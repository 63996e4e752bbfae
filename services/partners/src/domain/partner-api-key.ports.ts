import type { NewEvent } from '@instainstru/events';
import type { PartnerKey } from '@instainstru/platform';
import type { HashedPartnerApiKey, PartnerApiKey } from './partner-api-key.types';

export type Clock = () => Date;

/** Everything written in one database transaction; events published here commit with the change or not at all (transactional outbox). */
export interface PartnerApiKeyUnitOfWork {
  /** Inserts the key; only the SHA-256 of its secret is stored. */
  insert(key: HashedPartnerApiKey): Promise<void>;
  /** Marks an active key revoked at `at` by `revokedBy`; null, writing nothing, when it is already revoked or does not exist. */
  revokeActive(id: string, revokedBy: string, at: Date): Promise<HashedPartnerApiKey | null>;
  findById(id: string): Promise<HashedPartnerApiKey | null>;
  /** Appends an event to the outbox: committed with the change or not at all. */
  publish(event: NewEvent<object>): Promise<void>;
}

export interface PartnerApiKeyRepository {
  /** Newest first. */
  list(includeRevoked: boolean, limit: number): Promise<PartnerApiKey[]>;
  /** Every active key with its hash (for the projection). */
  active(): Promise<HashedPartnerApiKey[]>;
  /** The hashes of every revoked key (their projections must not exist). */
  revokedHashes(): Promise<string[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (unitOfWork: PartnerApiKeyUnitOfWork) => Promise<T>): Promise<T>;
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
