import Stripe from 'stripe';

export interface StripeClientOptions {
  /** api.stripe.com in production; the emulator or stripe-mock locally (STRIPE_API_BASE). */
  apiBase: URL;
  secretKey: string;
  /** Who calls, in Stripe's request logs (`instainstru-booking`). */
  appName: string;
  timeoutMs?: number;
  /** Network failures and 409/429/5xx answers are retried by the SDK with the same idempotency key. */
  maxNetworkRetries?: number;
}

/** The official SDK, pointed at `apiBase`. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase;
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.secretKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    maxNetworkRetries: options.maxNetworkRetries ?? 2,
    timeout: options.timeoutMs ?? 10_000,
    telemetry: false,
    appInfo: { name: options.appName },
  });
}

/** Stripe's error for a request it answered (card declined, invalid request, …), as opposed to a network failure. */
export function isStripeAnswer(error: unknown): error is Stripe.errors.StripeError {
  return error instanceof Stripe.errors.StripeError && !(error instanceof Stripe.errors.StripeConnectionError) && typeof error.statusCode === 'number' && error.statusCode < 500 && error.statusCode !== 429;
}

export { Stripe };
