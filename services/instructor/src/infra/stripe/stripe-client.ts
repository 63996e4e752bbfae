import Stripe from 'stripe';
import type { InstructorConfig } from '../../instructor.config';

/** The official SDK, pointed at STRIPE_API_BASE (api.stripe.com in production, the project's Stripe emulator locally). */
export function createStripeClient(config: InstructorConfig['stripe']): Stripe {
  const base = config.apiBase;
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(config.secretKey, {
    host: base.hostname,
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
    timeout: 10_000,
    telemetry: false,
    appInfo: { name: 'instainstru-instructor' },
  });
}
