import { idempotencyError, invalidRequest } from './errors';

interface Entry {
  endpoint: string;
  fingerprint: string;
  createdAt: number;
  result: { status: number; body: unknown } | null;
}

export type Begin = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

/** Canonical JSON of the parameters (key order does not matter). */
export function fingerprintOf(params: unknown): string {
  const canon = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canon);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value as object)
          .sort()
          .map((key) => [key, canon((value as Record<string, unknown>)[key])]),
      );
    }
    return value;
  };
  return JSON.stringify(canon(params));
}

/**
 * Stripe's idempotent requests: the first result of a key is stored (errors included) and
 * replayed for the same endpoint and parameters; other parameters → 400, a key still being
 * processed → 409. Keys are scoped to the Stripe-Account they were used with and forgotten after
 * the TTL (world clock).
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlSeconds: number) {}

  begin(key: string, scope: { account: string | null; endpoint: string; params: unknown }, now: number): Begin {
    if (key.length > 255) {
      throw invalidRequest('Idempotency keys can be at most 255 characters long.', { param: 'Idempotency-Key' });
    }
    this.purge(now);
    const id = `${scope.account ?? ''}\n${key}`;
    const fingerprint = fingerprintOf(scope.params);
    const entry = this.entries.get(id);
    if (!entry) {
      this.entries.set(id, { endpoint: scope.endpoint, fingerprint, createdAt: now, result: null });
      return { kind: 'new' };
    }
    if (entry.endpoint !== scope.endpoint) {
      throw idempotencyError(
        400,
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${entry.endpoint}' vs '${scope.endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (entry.fingerprint !== fingerprint) {
      throw idempotencyError(
        400,
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (!entry.result) {
      throw idempotencyError(
        409,
        'There is currently another in-progress request using this Stripe-Idempotency-Key (that was originally sent with the same parameters). Please try again later.',
        'idempotency_key_in_use',
      );
    }
    return { kind: 'replay', status: entry.result.status, body: entry.result.body };
  }

  complete(key: string, account: string | null, status: number, body: unknown): void {
    const entry = this.entries.get(`${account ?? ''}\n${key}`);
    if (entry) entry.result = { status, body };
  }

  /** Forget a key whose request produced no storable result (a 5xx), so a retry runs again. */
  abandon(key: string, account: string | null): void {
    this.entries.delete(`${account ?? ''}\n${key}`);
  }

  private purge(now: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.result && now - entry.createdAt >= this.ttlSeconds) this.entries.delete(id);
    }
  }
}
