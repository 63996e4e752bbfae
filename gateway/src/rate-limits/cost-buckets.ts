import type { Redis } from 'ioredis';

/** A caller's allowance: a bucket of cost points that refills at a steady rate. */
export interface BucketPlan {
  /** Most points the bucket holds (also the most one operation may cost this caller). */
  bucketSize: number;
  /** Points restored per second. */
  restoreRatePerSecond: number;
}

/** The bucket after a charge (or a refused one), as callers see it in `extensions.cost.throttleStatus`. */
export interface BucketState {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export type ChargeResult = { allowed: true; state: BucketState } | { allowed: false; state: BucketState; retryAfterMs: number };

/**
 * One atomic step of a leaky bucket kept in Redis, so every gateway replica shares it: refill by
 * the time elapsed since the last charge (never above the size), then take `cost` if it is there.
 * Nothing is taken from a refused charge. The clock is the caller's (injectable in tests); a clock
 * behind the stored one refills nothing. The key expires once the bucket would be full again.
 */
const CHARGE = `
local size = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local stored = redis.call('HMGET', KEYS[1], 'available', 'at')
local available = tonumber(stored[1])
local at = tonumber(stored[2])
if available == nil or at == nil then
  available = size
  at = now
end
if now > at then
  available = math.min(size, available + (now - at) * rate / 1000)
  at = now
end
if available > size then available = size end
local allowed = 0
local retry = 0
if cost <= available then
  available = available - cost
  allowed = 1
else
  retry = math.ceil((cost - available) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'available', tostring(available), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((size - available) * 1000 / rate) + 1000)
return { allowed, tostring(available), retry }
`;

export class CostBuckets {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly now: () => number = Date.now,
  ) {
    redis.defineCommand('instainstruChargeBucket', { numberOfKeys: 1, lua: CHARGE });
  }

  /** Takes `cost` points from the caller's bucket, or refuses and says when they will be there. */
  async charge(callerKey: string, plan: BucketPlan, cost: number): Promise<ChargeResult> {
    const command = (this.redis as unknown as Record<string, (...args: (string | number)[]) => Promise<[number, string, number]>>).instainstruChargeBucket!;
    const [allowed, available, retryAfterMs] = await command.call(
      this.redis,
      `${this.keyPrefix}bucket:${callerKey}`,
      plan.bucketSize,
      plan.restoreRatePerSecond,
      this.now(),
      cost,
    );
    const state: BucketState = {
      maximumAvailable: plan.bucketSize,
      currentlyAvailable: Math.floor(Number(available)),
      restoreRate: plan.restoreRatePerSecond,
    };
    return allowed === 1 ? { allowed: true, state } : { allowed: false, state, retryAfterMs };
  }
}
