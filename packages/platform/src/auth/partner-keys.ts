import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Partner API keys as the gateway checks them. The partners service owns the keys (Postgres, only
 * a SHA-256 of each secret) and projects every active one into Redis; gateways read the projection
 * through PartnerKeyReader. Both sides use the names below, and nothing else crosses over.
 *
 *   partner-key:<sha256 hex of the secret>  →  JSON PartnerKey   (active keys only, no TTL)
 *   channel partner-keys:revoked            ←  <sha256 hex>      (published when a key is revoked)
 */
export const PARTNER_KEY_PROJECTION_PREFIX = 'partner-key:';
export const PARTNER_KEY_REVOKED_CHANNEL = 'partner-keys:revoked';

/** What a key may do, as `resource:verb` (the SDL's PartnerScope enum names them CATALOG_READ, …). */
export const PARTNER_SCOPES = ['catalog:read', 'availability:read', 'bookings:read', 'bookings:write'] as const;
export type PartnerScope = (typeof PARTNER_SCOPES)[number];

/**
 * A secret: `iik_`, a public prefix of 6 hex digits (shown to admins for recognition), `_`, then
 * 32 random bytes in base64url. Anything else is refused without a Redis round trip.
 */
export const PARTNER_KEY_SECRET_PATTERN = /^iik_[0-9a-f]{6}_[A-Za-z0-9_-]{43}$/;

/** An active key as projected: who the partner is, what it may do and its rate limit. */
export interface PartnerKey {
  id: string;
  name: string;
  /** `resource:verb` strings, e.g. `catalog:read`. */
  scopes: string[];
  /** Token bucket: at most `bucketSize` requests at once, refilled at `restoreRatePerSecond`. */
  plan: { bucketSize: number; restoreRatePerSecond: number };
}

/** The SHA-256 (hex) of a secret: what the partners service stores and what names its projection. */
export function partnerKeyHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function partnerKeyProjectionKey(secretHash: string): string {
  return `${PARTNER_KEY_PROJECTION_PREFIX}${secretHash}`;
}

const positiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;

/** A projection's JSON as a PartnerKey; null when it is not one (refused, never half-trusted). */
export function parsePartnerKeyProjection(json: string): PartnerKey | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { id, name, scopes, plan } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') return null;
  if (!Array.isArray(scopes) || !scopes.every((s): s is string => typeof s === 'string')) return null;
  if (typeof plan !== 'object' || plan === null) return null;
  const { bucketSize, restoreRatePerSecond } = plan as Record<string, unknown>;
  if (!positiveInteger(bucketSize) || !positiveInteger(restoreRatePerSecond)) return null;
  return { id, name, scopes: [...scopes], plan: { bucketSize, restoreRatePerSecond } };
}

export interface PartnerKeyReaderOptions {
  /** How long an answer (a key, or "no such key") is reused without asking Redis; default 2000 ms. */
  cacheTtlMs?: number;
  /** At most this many answers are kept (oldest dropped first), so random keys cannot grow memory; default 10,000. */
  maxCachedKeys?: number;
  /** The current time in ms (tests). */
  now?: () => number;
}

interface CachedAnswer {
  key: PartnerKey | null;
  expiresAt: number;
}

/**
 * The gateway's view of partner keys: a secret's hash looked up in the partners service's Redis
 * projection, with a small local cache of answers (keys found and keys not found alike).
 *
 * A revoked key stops working on every replica at once: the partners service publishes its hash
 * on `partner-keys:revoked` after deleting the projection, and each reader evicts it. Should a
 * message be lost (a reconnect), the cache TTL bounds how long a replica may still accept the key;
 * a reconnect of the subscription also empties the cache. An answer fetched while an eviction
 * arrived is not cached, so a lookup racing a revocation cannot keep the key alive.
 *
 * Redis errors are not answers: `lookup` rejects (the gateway should answer "unavailable", not
 * "invalid key").
 */
export class PartnerKeyReader {
  private readonly cacheTtlMs: number;
  private readonly maxCachedKeys: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, CachedAnswer>();
  private readonly inFlight = new Map<string, Promise<PartnerKey | null>>();
  /** Bumped by every eviction; a fetch that saw it change does not cache its answer. */
  private evictions = 0;
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    options: PartnerKeyReaderOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 2000;
    this.maxCachedKeys = options.maxCachedKeys ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Subscribes (on a duplicate connection) to revocations, evicting each revoked key from the cache. */
  async start(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, secretHash: string) => {
      if (channel === PARTNER_KEY_REVOKED_CHANNEL) this.evict(secretHash);
    });
    // Messages published while the subscription was down are lost: forget everything cached.
    subscriber.on('close', () => this.evictAll());
    subscriber.on('ready', () => this.evictAll());
    // Connection errors are retried by ioredis; lookups report Redis trouble on the main connection.
    subscriber.on('error', () => undefined);
    await subscriber.subscribe(PARTNER_KEY_REVOKED_CHANNEL);
  }

  /** The active key this secret belongs to, or null (unknown, revoked or malformed). */
  async lookup(secret: string): Promise<PartnerKey | null> {
    if (!PARTNER_KEY_SECRET_PATTERN.test(secret)) return null;
    const secretHash = partnerKeyHash(secret);
    const cached = this.cache.get(secretHash);
    if (cached && cached.expiresAt > this.now()) return cached.key;
    let pending = this.inFlight.get(secretHash);
    if (!pending) {
      pending = this.fetch(secretHash);
      this.inFlight.set(secretHash, pending);
      const settled = pending;
      void settled.finally(() => {
        if (this.inFlight.get(secretHash) === settled) this.inFlight.delete(secretHash);
      }).catch(() => undefined);
    }
    return pending;
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.evictAll();
    if (subscriber) await subscriber.quit().then(() => undefined, () => subscriber.disconnect());
  }

  private async fetch(secretHash: string): Promise<PartnerKey | null> {
    const seen = this.evictions;
    const json = await this.redis.get(partnerKeyProjectionKey(secretHash));
    const key = json === null ? null : parsePartnerKeyProjection(json);
    if (seen === this.evictions) this.remember(secretHash, key);
    return key;
  }

  private remember(secretHash: string, key: PartnerKey | null): void {
    this.cache.delete(secretHash);
    while (this.cache.size >= this.maxCachedKeys) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    this.cache.set(secretHash, { key, expiresAt: this.now() + this.cacheTtlMs });
  }

  private evict(secretHash: string): void {
    this.evictions += 1;
    this.cache.delete(secretHash);
    // A lookup starting after the revocation must ask Redis again, not join a fetch from before it.
    this.inFlight.delete(secretHash);
  }

  private evictAll(): void {
    this.evictions += 1;
    this.cache.clear();
    this.inFlight.clear();
  }
}
