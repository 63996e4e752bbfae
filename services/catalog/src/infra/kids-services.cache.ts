import type { Redis } from 'ioredis';
import type { CatalogService } from '../domain/catalog.types';
import type { KidsServicesCache } from '../domain/instructor-offerings.ports';

/** A safety net only: invalidation by events is what keeps the answer fresh. */
const TTL_SECONDS = 300;

/**
 * kidsAvailableServices in Redis under a generation number. Invalidation bumps the generation, so
 * a reader that computed its answer before the invalidating commit writes it under the old
 * generation, where no later reader looks: a stale answer is never served after the event.
 */
export class RedisKidsServicesCache implements KidsServicesCache {
  private readonly generationKey: string;

  constructor(
    private readonly redis: Redis,
    namespace: string,
  ) {
    this.generationKey = `${namespace}catalog:kids-services:generation`;
  }

  /** Without Redis the answer is computed from Postgres: slower, never stale (readiness reports Redis). */
  async get(compute: () => Promise<CatalogService[]>): Promise<CatalogService[]> {
    let key: string;
    try {
      const generation = (await this.redis.get(this.generationKey)) ?? '0';
      key = `${this.generationKey}:${generation}`;
      const cached = await this.redis.get(key);
      if (cached !== null) return JSON.parse(cached) as CatalogService[];
    } catch {
      return compute();
    }
    const fresh = await compute();
    await this.redis.set(key, JSON.stringify(fresh), 'EX', TTL_SECONDS).catch(() => undefined);
    return fresh;
  }

  async invalidate(): Promise<void> {
    await this.redis.incr(this.generationKey);
  }
}
