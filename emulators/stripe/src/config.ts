/** Tunables of the emulator. Every one has a Stripe-like default; tests pass their own. */
export interface EmulatorConfig {
  /** How long an uncaptured card authorisation stays capturable (Stripe: 7 days for online card payments). */
  authorizationValiditySeconds: number;
  /** How long captured funds and destination payments stay pending before they are available. */
  availableAfterSeconds: number;
  /** Standard payouts arrive (and are paid) this long after their creation. */
  standardPayoutSeconds: number;
  /** Instant payouts are paid this long after their creation. */
  instantPayoutSeconds: number;
  /** Instant payout fee: percent of the amount, rounded up to a whole minor unit, at least the minimum. */
  instantPayoutFeePercent: number;
  instantPayoutFeeMinimum: number;
  /** Webhook delivery: attempts per event and endpoint, the first retry's delay (doubling) and the per-attempt timeout. */
  webhookMaxAttempts: number;
  webhookRetryBaseMs: number;
  webhookTimeoutMs: number;
  /** Batch window of the 'reverse' delivery mode when no delay_ms is given. */
  reverseBatchMs: number;
  /** Period of the timer that runs due transitions (0 = only on requests and clock advances). */
  tickMs: number;
  /** Idempotency keys are forgotten this long after their first use (world clock). */
  idempotencyKeyTtlSeconds: number;
  /** A world nobody called for this long (real time) is forgotten, to bound memory (0 = never). */
  worldIdleSeconds: number;
  /** Log one line per request to stdout. */
  logRequests: boolean;
}

export const DEFAULT_CONFIG: EmulatorConfig = {
  authorizationValiditySeconds: 7 * 24 * 3600,
  availableAfterSeconds: 2 * 24 * 3600,
  standardPayoutSeconds: 2 * 24 * 3600,
  instantPayoutSeconds: 30 * 60,
  instantPayoutFeePercent: 1.5,
  instantPayoutFeeMinimum: 50,
  webhookMaxAttempts: 5,
  webhookRetryBaseMs: 500,
  webhookTimeoutMs: 10_000,
  reverseBatchMs: 250,
  tickMs: 1000,
  idempotencyKeyTtlSeconds: 24 * 3600,
  worldIdleSeconds: 24 * 3600,
  logRequests: false,
};

/** The configuration from STRIPE_EMULATOR_* variables (unset ones keep their default). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EmulatorConfig {
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
    return value;
  };
  const d = DEFAULT_CONFIG;
  return {
    authorizationValiditySeconds: num('STRIPE_EMULATOR_AUTHORIZATION_VALIDITY_SECONDS', d.authorizationValiditySeconds),
    availableAfterSeconds: num('STRIPE_EMULATOR_AVAILABLE_AFTER_SECONDS', d.availableAfterSeconds),
    standardPayoutSeconds: num('STRIPE_EMULATOR_STANDARD_PAYOUT_SECONDS', d.standardPayoutSeconds),
    instantPayoutSeconds: num('STRIPE_EMULATOR_INSTANT_PAYOUT_SECONDS', d.instantPayoutSeconds),
    instantPayoutFeePercent: num('STRIPE_EMULATOR_INSTANT_PAYOUT_FEE_PERCENT', d.instantPayoutFeePercent),
    instantPayoutFeeMinimum: num('STRIPE_EMULATOR_INSTANT_PAYOUT_FEE_MINIMUM', d.instantPayoutFeeMinimum),
    webhookMaxAttempts: Math.max(1, num('STRIPE_EMULATOR_WEBHOOK_MAX_ATTEMPTS', d.webhookMaxAttempts)),
    webhookRetryBaseMs: num('STRIPE_EMULATOR_WEBHOOK_RETRY_BASE_MS', d.webhookRetryBaseMs),
    webhookTimeoutMs: num('STRIPE_EMULATOR_WEBHOOK_TIMEOUT_MS', d.webhookTimeoutMs),
    reverseBatchMs: num('STRIPE_EMULATOR_REVERSE_BATCH_MS', d.reverseBatchMs),
    tickMs: num('STRIPE_EMULATOR_TICK_MS', d.tickMs),
    idempotencyKeyTtlSeconds: num('STRIPE_EMULATOR_IDEMPOTENCY_TTL_SECONDS', d.idempotencyKeyTtlSeconds),
    worldIdleSeconds: num('STRIPE_EMULATOR_WORLD_IDLE_SECONDS', d.worldIdleSeconds),
    logRequests: env.STRIPE_EMULATOR_LOG_REQUESTS === '1' || env.STRIPE_EMULATOR_LOG_REQUESTS === 'true',
  };
}
