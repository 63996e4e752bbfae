import { randomUUID } from 'node:crypto';
import { hasRole, isUuid, type Caller, type Logger, type PartnerKey } from '@instainstru/platform';
import { apiKeyCreatedEvent, apiKeyRevokedEvent } from './partner-api-key.events';
import { newPartnerSecret, validatePartnerApiKeyRequest } from './partner-api-key.rules';
import type { Clock, PartnerApiKeyRepository, PartnerKeyProjection } from './partner-api-key.ports';
import type { CreatedPartnerApiKey, HashedPartnerApiKey, PartnerApiKey, PartnerApiKeyRequest } from './partner-api-key.types';
import { PartnersError, PartnersErrorCode } from './partners.errors';

/** As the SDL says (and its @listSize assumes). */
const LIST_LIMIT = 500;

/** What the gateway reads for a key (platform's PartnerKey). */
const projectionOf = ({ key, secretHash }: HashedPartnerApiKey): { secretHash: string; key: PartnerKey } => ({
  secretHash,
  key: { id: key.id, name: key.name, scopes: [...key.scopes], plan: { ...key.plan } },
});

/**
 * Partner API keys: admins issue, list and revoke them; the database keeps each key with only a
 * SHA-256 of its secret, and the gateways read active keys from a Redis projection that follows
 * the database after every commit (and is rebuilt by the worker, so a lost write or a flushed
 * Redis heals).
 */
export class PartnerApiKeys {
  constructor(
    private readonly repository: PartnerApiKeyRepository,
    private readonly projection: PartnerKeyProjection,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /**
   * 1. Only a signed-in admin, acting directly (not through a partner key).
   * 2. Validate everything before writing.
   * 3. One transaction: the key (hash only) and `partners.api-key-created`.
   * 4. After the commit, project it; if Redis fails the key still exists and the worker projects
   *    it within a minute — the secret is answered either way, as it can never be shown again.
   */
  async create(caller: Caller, request: PartnerApiKeyRequest): Promise<CreatedPartnerApiKey> {
    const admin = requireAdmin(caller);
    const valid = validatePartnerApiKeyRequest(request);
    const { secret, keyPrefix, secretHash } = newPartnerSecret();
    const key: PartnerApiKey = { id: randomUUID(), ...valid, keyPrefix, createdAt: this.clock().toISOString(), createdBy: admin, revokedAt: null };
    await this.repository.transaction(async (work) => {
      await work.insert({ key, secretHash });
      await work.publish(apiKeyCreatedEvent(key));
    });
    try {
      await this.projection.project([projectionOf({ key, secretHash })]);
    } catch (err) {
      this.logger.warn({ err, apiKeyId: key.id }, 'partner key created but not projected; the projection worker will project it');
    }
    return { apiKey: key, secret };
  }

  /**
   * Revokes in one transaction with `partners.api-key-revoked`, then withdraws the projection and
   * tells the gateways. Idempotent: revoking a revoked key writes nothing and withdraws again, so
   * a retry after KEY_STORE_UNAVAILABLE finishes the job.
   */
  async revoke(caller: Caller, id: string): Promise<PartnerApiKey> {
    const admin = requireAdmin(caller);
    if (!isUuid(id)) throw notFound(id);
    const at = this.clock();
    const revoked = await this.repository.transaction(async (work) => {
      const changed = await work.revokeActive(id, admin, at);
      if (!changed) return work.findById(id);
      await work.publish(apiKeyRevokedEvent(changed.key, admin, at));
      return changed;
    });
    if (!revoked) throw notFound(id);
    try {
      await this.projection.withdraw(revoked.secretHash);
    } catch (err) {
      this.logger.error({ err, apiKeyId: id }, 'partner key revoked but its projection could not be withdrawn');
      throw new PartnersError(
        PartnersErrorCode.KeyStoreUnavailable,
        'The key is revoked, but gateways could not be told yet and may accept it for up to a minute; retry to make it immediate',
        { id },
      );
    }
    return revoked.key;
  }

  list(caller: Caller, includeRevoked: boolean): Promise<PartnerApiKey[]> {
    requireAdmin(caller);
    return this.repository.list(includeRevoked, LIST_LIMIT);
  }

  /**
   * The worker's repair: projects every active key, then deletes the projections of revoked ones.
   * In that order, a revocation committing meanwhile is still withdrawn after any re-projection of
   * it (by this run's deletes, or by the revocation's own withdraw, which follows its commit).
   */
  async reprojectAll(): Promise<{ projected: number; removed: number }> {
    const active = await this.repository.active();
    await this.projection.project(active.map(projectionOf));
    const revoked = await this.repository.revokedHashes();
    await this.projection.remove(revoked);
    return { projected: active.length, removed: revoked.length };
  }
}

/** The admin's account id; partner keys are never managed through a partner key. */
function requireAdmin(caller: Caller): string {
  if (caller.partnerId) throw new PartnersError(PartnersErrorCode.AdminOnly, 'Partner API keys cannot be managed with a partner API key');
  if (!caller.userId) throw new PartnersError(PartnersErrorCode.SignInRequired, 'Sign in as an admin to manage partner API keys');
  if (!hasRole(caller, 'admin')) throw new PartnersError(PartnersErrorCode.AdminOnly, 'Only admins manage partner API keys');
  return caller.userId;
}

const notFound = (id: string) => new PartnersError(PartnersErrorCode.PartnerApiKeyNotFound, `No partner API key with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
