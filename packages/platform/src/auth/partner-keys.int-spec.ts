import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  PARTNER_KEY_REVOKED_CHANNEL,
  PartnerKeyReader,
  partnerKeyHash,
  partnerKeyProjectionKey,
  type PartnerKey,
} from './partner-keys';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What the partners service does: the projection after a create commits, and its withdrawal after a revoke. */
class ProjectionWriter {
  constructor(private readonly redis: Redis) {}

  async project(secret: string, key: PartnerKey): Promise<void> {
    await this.redis.set(partnerKeyProjectionKey(partnerKeyHash(secret)), JSON.stringify(key));
  }

  async revoke(secret: string): Promise<void> {
    const secretHash = partnerKeyHash(secret);
    await this.redis.multi().del(partnerKeyProjectionKey(secretHash)).publish(PARTNER_KEY_REVOKED_CHANNEL, secretHash).exec();
  }
}

const newSecret = () => `iik_${randomBytes(3).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const keyNamed = (name: string): PartnerKey => ({ id: `key-${name}`, name, scopes: ['catalog:read', 'bookings:write'], plan: { bucketSize: 50, restoreRatePerSecond: 5 } });

async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

let service: Redis;
let writer: ProjectionWriter;
const replicas: { redis: Redis; reader: PartnerKeyReader }[] = [];

beforeAll(async () => {
  service = new Redis(REDIS_URL);
  writer = new ProjectionWriter(service);
  for (let i = 0; i < 2; i++) {
    const redis = new Redis(REDIS_URL);
    // A long TTL: whatever refuses a revoked key below, it is not the cache expiring.
    const reader = new PartnerKeyReader(redis, { cacheTtlMs: 60_000 });
    await reader.start();
    replicas.push({ redis, reader });
  }
});

afterAll(async () => {
  for (const { redis, reader } of replicas) {
    await reader.close();
    redis.disconnect();
  }
  service?.disconnect();
});

describe('PartnerKeyReader on two gateway replicas', () => {
  it('both find a key as soon as it is projected', async () => {
    const secret = newSecret();
    await writer.project(secret, keyNamed('search widget'));
    for (const { reader } of replicas) expect(await reader.lookup(secret)).toEqual(keyNamed('search widget'));
  });

  it('both refuse a revoked key within 2 s although they had it cached', async () => {
    const secret = newSecret();
    await writer.project(secret, keyNamed('calendar sync'));
    for (const { reader } of replicas) expect(await reader.lookup(secret)).not.toBeNull();

    await writer.revoke(secret);
    for (const { reader } of replicas) {
      expect(await within(2000, async () => (await reader.lookup(secret)) === null)).toBeLessThan(2000);
    }
  });

  it('serves repeated lookups from its cache, and a key created after a refusal once the refusal expires', async () => {
    const redis = new Redis(REDIS_URL);
    let now = 1_000_000;
    const reader = new PartnerKeyReader(redis, { cacheTtlMs: 2000, now: () => now });
    try {
      const secret = newSecret();
      expect(await reader.lookup(secret)).toBeNull();
      await writer.project(secret, keyNamed('late'));
      expect(await reader.lookup(secret)).toBeNull();
      now += 2001;
      expect(await reader.lookup(secret)).toEqual(keyNamed('late'));
      await service.del(partnerKeyProjectionKey(partnerKeyHash(secret)));
      expect(await reader.lookup(secret)).toEqual(keyNamed('late'));
    } finally {
      await reader.close();
      redis.disconnect();
    }
  });

  it('refuses malformed secrets and projections that are not keys', async () => {
    const { reader } = replicas[0]!;
    expect(await reader.lookup('')).toBeNull();
    expect(await reader.lookup('Bearer something')).toBeNull();
    const secret = newSecret();
    await service.set(partnerKeyProjectionKey(partnerKeyHash(secret)), JSON.stringify({ id: 'k', name: 'n', scopes: 'catalog:read', plan: {} }));
    try {
      expect(await reader.lookup(secret)).toBeNull();
    } finally {
      await service.del(partnerKeyProjectionKey(partnerKeyHash(secret)));
    }
  });

  it('reports Redis being unreachable instead of calling the key unknown', async () => {
    const redis = new Redis('redis://127.0.0.1:9', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const reader = new PartnerKeyReader(redis);
    await expect(reader.lookup(newSecret())).rejects.toThrow();
    redis.disconnect();
  });
});
