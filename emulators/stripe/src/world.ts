import { createHmac } from 'node:crypto';
import { Clock } from './clock';
import type { EmulatorConfig } from './config';
import { resourceMissing } from './errors';
import { IdempotencyStore } from './idempotency';
import type { ApiObject, StripeEvent } from './types';
import { WebhookDispatcher } from './webhooks';

/** What the request being handled contributes to the events it causes. */
export interface RequestInfo {
  id: string;
  idempotencyKey: string | null;
  /** Base URL of the emulator as the caller reached it (for hosted pages). */
  baseUrl: string;
}

/** Emulator-only state of a payment method. */
export interface CardState {
  number: string;
  /** Set up through a succeeded SetupIntent (cards that need authentication only at setup). */
  setUp: boolean;
}

export interface PaymentIntentState {
  offSession: boolean;
}

export interface PayoutPlan {
  inTransitAt: number;
  dueAt: number;
  failureCode: string | null;
}

export interface ApplicationFeeState {
  amount: number;
  refunded: number;
}

export interface EndpointState {
  secret: string;
  connect: boolean;
}

const LABELS: Record<string, string> = {
  cus: 'customer',
  pm: 'PaymentMethod',
  seti: 'SetupIntent',
  pi: 'payment_intent',
  ch: 'charge',
  re: 'refund',
  acct: 'account',
  tr: 'transfer',
  po: 'payout',
  txn: 'balance transaction',
  evt: 'event',
  we: 'webhook endpoint',
  vs: 'verification session',
};

/**
 * One secret key's Stripe: its objects, events, webhook endpoints, clock, idempotency keys and
 * delivery switches. Worlds never see each other.
 */
export class World {
  readonly clock = new Clock();
  readonly objects = new Map<string, ApiObject>();
  /** Object id → the connected account it lives in (absent: the platform). */
  readonly owners = new Map<string, string>();
  readonly events: StripeEvent[] = [];
  readonly cards = new Map<string, CardState>();
  readonly paymentIntents = new Map<string, PaymentIntentState>();
  readonly payoutPlans = new Map<string, PayoutPlan>();
  readonly applicationFees = new Map<string, ApplicationFeeState>();
  readonly endpoints = new Map<string, EndpointState>();
  /** Connected account → failure code its next payouts fail with. */
  readonly payoutFailures = new Map<string, string>();
  readonly fingerprints = new Map<string, string>();
  readonly idempotency: IdempotencyStore;
  readonly webhooks: WebhookDispatcher;
  /** Artificial processing time of every API request (to observe in-flight idempotency keys). */
  latencyMs = 0;
  /** Delay after a POST was carried out and its idempotent answer stored, before it is sent (a client dying in between). */
  latencyAfterMs = 0;
  /** Real time of the last request (idle worlds are forgotten). */
  lastUsedMs = Date.now();
  request: RequestInfo | null = null;

  constructor(
    readonly key: string,
    readonly config: EmulatorConfig,
    private readonly registry: Worlds,
  ) {
    this.idempotency = new IdempotencyStore(config.idempotencyKeyTtlSeconds);
    this.webhooks = new WebhookDispatcher(this, config);
  }

  now(): number {
    return this.clock.now();
  }

  put<T extends ApiObject>(object: T, owner?: string | null): T {
    this.objects.set(object.id, object);
    if (owner) this.owners.set(object.id, owner);
    this.registry.index(object.id, this);
    return object;
  }

  find<T extends ApiObject>(id: string, object?: T['object']): T | undefined {
    const found = this.objects.get(id);
    if (!found || (object && found.object !== object)) return undefined;
    return found as T;
  }

  /** The object or 404 resource_missing, as Stripe words it ("No such customer: 'cus_x'"). */
  get<T extends ApiObject>(object: T['object'], id: string, param = 'id'): T {
    const found = this.find<T>(id, object);
    if (!found || (found as { deleted?: boolean }).deleted) {
      throw resourceMissing(LABELS[id.split('_')[0] ?? ''] ?? object, id, param);
    }
    return found;
  }

  /** Every object of a kind, in creation order, optionally only those of one owner (null: platform). */
  all<T extends ApiObject>(object: T['object'], owner?: string | null): T[] {
    const out: T[] = [];
    for (const value of this.objects.values()) {
      if (value.object !== object) continue;
      if (owner !== undefined && (this.owners.get(value.id) ?? null) !== owner) continue;
      out.push(value as T);
    }
    return out;
  }

  ownerOf(id: string): string | null {
    return this.owners.get(id) ?? null;
  }

  /** Stripe's card fingerprint: the same number gives the same fingerprint within a world. */
  fingerprint(cardNumber: string): string {
    let value = this.fingerprints.get(cardNumber);
    if (!value) {
      const digest = createHmac('sha256', `fingerprint:${this.key}`).update(cardNumber).digest('base64url');
      value = digest.replace(/[-_]/g, '').slice(0, 16);
      this.fingerprints.set(cardNumber, value);
    }
    return value;
  }

  /** Replaces this world by an empty one (POST /_emulator/reset). */
  reset(): void {
    this.registry.reset(this.key);
  }

  dispose(): void {
    this.webhooks.dispose();
    for (const id of this.objects.keys()) this.registry.unindex(id, this);
  }
}

/** Every world of the emulator, by key (the text after `sk_test_` / `pk_test_`). */
export class Worlds {
  private readonly worlds = new Map<string, World>();
  private readonly byObject = new Map<string, World>();

  constructor(readonly config: EmulatorConfig) {}

  get(key: string): World {
    let world = this.worlds.get(key);
    if (!world) {
      world = new World(key, this.config, this);
      this.worlds.set(key, world);
    }
    world.lastUsedMs = Date.now();
    return world;
  }

  /** Forgets worlds nobody called for `worldIdleSeconds` (real time). */
  evictIdle(): void {
    if (this.config.worldIdleSeconds <= 0) return;
    const cutoff = Date.now() - this.config.worldIdleSeconds * 1000;
    for (const [key, world] of this.worlds) {
      if (world.lastUsedMs < cutoff) {
        world.dispose();
        this.worlds.delete(key);
      }
    }
  }

  reset(key: string): World {
    this.worlds.get(key)?.dispose();
    this.worlds.delete(key);
    return this.get(key);
  }

  list(): World[] {
    return [...this.worlds.values()];
  }

  /** The world an object lives in (hosted pages are opened without a key). */
  locate(id: string): World | undefined {
    return this.byObject.get(id);
  }

  index(id: string, world: World): void {
    this.byObject.set(id, world);
  }

  unindex(id: string, world: World): void {
    if (this.byObject.get(id) === world) this.byObject.delete(id);
  }

  dispose(): void {
    for (const world of this.worlds.values()) world.dispose();
    this.worlds.clear();
  }
}
