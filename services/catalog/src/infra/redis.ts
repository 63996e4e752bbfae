import { Redis } from 'ioredis';
import type { ServiceDeps } from '@instainstru/platform';
import { RedisKidsServicesCache } from './kids-services.cache';

/** The catalog's Redis connection (discovery caches), closed with the service. */
export function createCatalogRedis(deps: ServiceDeps): Redis {
  const redis = new Redis(deps.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (err) => deps.logger.warn({ err }, 'redis connection error'));
  deps.onClose(() => redis.quit().then(() => undefined, () => redis.disconnect()));
  return redis;
}

/** Keys live under the environment's prefix (the Kafka topic prefix) unless given another, so environments sharing a Redis stay apart. */
export function kidsServicesCache(deps: ServiceDeps, redis: Redis, namespace: string = deps.config.kafka.topicPrefix): RedisKidsServicesCache {
  return new RedisKidsServicesCache(redis, namespace);
}
