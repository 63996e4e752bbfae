import type { Redis } from 'ioredis';
import { PARTNER_KEY_REVOKED_CHANNEL, partnerKeyProjectionKey, type PartnerKey } from '@instainstru/platform';
import type { PartnerKeyProjection } from '../domain/partner-api-key.ports';

/** Writes per round trip when the whole projection is rebuilt. */
const BATCH = 500;

/** Active keys in Redis, where the gateways' PartnerKeyReader finds them (keys and channel from the platform kit). */
export class RedisPartnerKeyProjection implements PartnerKeyProjection {
  constructor(private readonly redis: Redis) {}

  async project(keys: readonly { secretHash: string; key: PartnerKey }[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH) {
      const batch = this.redis.multi();
      for (const { secretHash, key } of keys.slice(i, i + BATCH)) batch.set(partnerKeyProjectionKey(secretHash), JSON.stringify(key));
      await exec(batch);
    }
  }

  async withdraw(secretHash: string): Promise<void> {
    await exec(this.redis.multi().del(partnerKeyProjectionKey(secretHash)).publish(PARTNER_KEY_REVOKED_CHANNEL, secretHash));
  }

  async remove(secretHashes: readonly string[]): Promise<void> {
    for (let i = 0; i < secretHashes.length; i += BATCH) {
      await this.redis.del(...secretHashes.slice(i, i + BATCH).map(partnerKeyProjectionKey));
    }
  }
}

/** Runs a MULTI; a command that failed inside it fails the whole call. */
async function exec(multi: ReturnType<Redis['multi']>): Promise<void> {
  const results = await multi.exec();
  if (!results) throw new Error('Redis discarded the transaction');
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0];
}
