import { Redis } from 'ioredis';
import type { ServiceDeps } from '@instainstru/platform';

/** The partners service's Redis connection (the key projection), closed with the service. */
export function createPartnersRedis(deps: ServiceDeps): Redis {
  const redis = new Redis(deps.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  redis.on('error', (err) => deps.logger.warn({ err }, 'redis connection error'));
  deps.onClose(() => redis.quit().then(() => undefined, () => redis.disconnect()));
  return redis;
}
