import { createHmac } from 'node:crypto';
import type { EmulatorConfig } from './config';
import { newId } from './ids';
import type { StripeEvent, WebhookEndpoint } from './types';
import type { World } from './world';

export type DeliveryMode = 'normal' | 'twice' | 'reverse' | 'hold';

export interface DeliveryRecord {
  id: string;
  event: string;
  type: string;
  endpoint: string;
  url: string;
  attempt: number;
  status: number | null;
  ok: boolean;
  error: string | null;
  at: string;
  duration_ms: number;
}

interface Job {
  event: StripeEvent;
  endpoint: string;
  attempt: number;
  done?: () => void;
}

/** `Stripe-Signature` as Stripe sends it: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`. */
export function signPayload(payload: string, secret: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Delivers a world's events to its endpoints, asynchronously, signed, retried with a doubling
 * backoff on non-2xx answers and timeouts. Each endpoint gets its deliveries one at a time in
 * queue order. The mode decides the order: normal (as they happen, after delay_ms), twice (every
 * delivery twice), reverse (batched, newest first), hold (kept until flush()).
 */
export class WebhookDispatcher {
  mode: DeliveryMode = 'normal';
  delayMs = 0;
  /** Which clock the signature's timestamp reads: real time (what receivers compare with) or the world's. */
  signatureClock: 'real' | 'world' = 'real';
  readonly deliveries: DeliveryRecord[] = [];
  private readonly queues = new Map<string, Job[]>();
  private readonly busy = new Set<string>();
  private held: Job[] = [];
  private batch: Job[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiting = 0;
  private idleWaiters: Array<() => void> = [];
  private disposed = false;

  constructor(
    private readonly world: World,
    private readonly config: EmulatorConfig,
  ) {}

  /** The enabled endpoints an event goes to: Connect endpoints get connected-account events only. */
  targets(event: StripeEvent): WebhookEndpoint[] {
    return this.world.all<WebhookEndpoint>('webhook_endpoint').filter((endpoint) => {
      const state = this.world.endpoints.get(endpoint.id);
      if (!state || endpoint.status !== 'enabled') return false;
      if (state.connect !== Boolean(event.account)) return false;
      return endpoint.enabled_events.some((pattern) => matchesEventType(pattern, event.type));
    });
  }

  publish(event: StripeEvent): void {
    const targets = this.targets(event);
    event.pending_webhooks = targets.length;
    for (const endpoint of targets) {
      const job: Job = { event, endpoint: endpoint.id, attempt: 1 };
      switch (this.mode) {
        case 'hold':
          this.held.push(job);
          break;
        case 'reverse':
          this.batch.push(job);
          if (!this.batchTimer) {
            this.batchTimer = setTimeout(() => this.releaseBatch(), this.delayMs || this.config.reverseBatchMs);
          }
          break;
        case 'twice':
          this.later(() => {
            this.push(job);
            this.push({ ...job });
          });
          break;
        default:
          this.later(() => this.push(job));
      }
    }
  }

  setMode(mode: DeliveryMode, delayMs: number): void {
    if (this.mode === 'reverse' && mode !== 'reverse') this.releaseBatch();
    this.mode = mode;
    this.delayMs = delayMs;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Delivers the held events (in the order they happened, or newest first); resolves when each was attempted once. */
  async flush(order: 'normal' | 'reverse' = 'normal'): Promise<number> {
    const jobs = order === 'reverse' ? [...this.held].reverse() : [...this.held];
    this.held = [];
    await Promise.all(jobs.map((job) => new Promise<void>((resolve) => this.push({ ...job, done: resolve }))));
    return jobs.length;
  }

  /** Resolves when nothing is queued, batched, delayed or being sent (scheduled retries aside). */
  settle(timeoutMs: number): Promise<boolean> {
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(waiter);
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers) clearTimeout(timer);
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.queues.clear();
    this.held = [];
    this.batch = [];
    this.notifyIdle();
  }

  private idle(): boolean {
    return this.waiting === 0 && this.batch.length === 0 && this.busy.size === 0 && [...this.queues.values()].every((q) => q.length === 0);
  }

  private notifyIdle(): void {
    if (!this.idle() && !this.disposed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const waiter of waiters) waiter();
  }

  private later(run: () => void): void {
    if (this.delayMs <= 0) {
      run();
      return;
    }
    this.waiting++;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.waiting--;
      run();
    }, this.delayMs);
    this.timers.add(timer);
  }

  private releaseBatch(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    const jobs = this.batch.reverse();
    this.batch = [];
    for (const job of jobs) this.push(job);
    this.notifyIdle();
  }

  private push(job: Job): void {
    if (this.disposed) {
      job.done?.();
      return;
    }
    const queue = this.queues.get(job.endpoint) ?? [];
    queue.push(job);
    this.queues.set(job.endpoint, queue);
    void this.pump(job.endpoint);
  }

  private async pump(endpointId: string): Promise<void> {
    if (this.busy.has(endpointId)) return;
    this.busy.add(endpointId);
    try {
      const queue = this.queues.get(endpointId) ?? [];
      for (let job = queue.shift(); job && !this.disposed; job = queue.shift()) {
        await this.attempt(job);
      }
    } finally {
      this.busy.delete(endpointId);
      this.notifyIdle();
    }
  }

  private async attempt(job: Job): Promise<void> {
    const endpoint = this.world.find<WebhookEndpoint>(job.endpoint, 'webhook_endpoint');
    const state = this.world.endpoints.get(job.endpoint);
    if (!endpoint || !state) {
      job.done?.();
      return;
    }
    const payload = JSON.stringify(job.event, null, 2);
    const timestamp = this.signatureClock === 'world' ? this.world.now() : Math.floor(Date.now() / 1000);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
          'stripe-signature': signPayload(payload, state.secret, timestamp),
        },
        body: payload,
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (caught) {
      error = caught instanceof Error ? (caught.name === 'TimeoutError' ? 'timeout' : caught.message) : String(caught);
    }
    const ok = status !== null && status >= 200 && status < 300;
    this.deliveries.push({
      id: newId('wd'),
      event: job.event.id,
      type: job.event.type,
      endpoint: endpoint.id,
      url: endpoint.url,
      attempt: job.attempt,
      status,
      ok,
      error,
      at: new Date().toISOString(),
      duration_ms: Date.now() - started,
    });
    if (ok) {
      job.event.pending_webhooks = Math.max(0, job.event.pending_webhooks - 1);
    } else if (job.attempt < this.config.webhookMaxAttempts && !this.disposed) {
      const delay = this.config.webhookRetryBaseMs * 2 ** (job.attempt - 1);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.push({ event: job.event, endpoint: job.endpoint, attempt: job.attempt + 1 });
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
    job.done?.();
  }
}

/** `*`, an exact type, or a `prefix.*` wildcard. */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}
