/**
 * The project's Stripe emulator (emulators/stripe) as tests use it: a world of its own per test
 * file (every secret key is an isolated Stripe account there), driven by the real `stripe` SDK.
 */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';

export const emulatorUrl = (): string => process.env.STRIPE_EMULATOR_URL ?? 'http://127.0.0.1:12120';

export interface EmulatorWorld {
  /** The world's secret key: give it to the services under test as STRIPE_SECRET_KEY. */
  key: string;
  url: string;
  stripe: Stripe;
  /** POSTs to a control route (`/_emulator/…`) of this world. */
  control(path: string, body?: Record<string, unknown>): Promise<unknown>;
  /** A Connect account with onboarding completed (charges and payouts enabled). */
  payableAccount(): Promise<string>;
  /** Confirms a SetupIntent (as Stripe.js would) with a test card token; answers the saved payment method's id. */
  confirmSetup(setupIntentId: string, card?: string): Promise<string>;
  /** Moves the world's clock forward. */
  advance(seconds: number): Promise<void>;
}

export function emulatorWorld(): EmulatorWorld {
  const key = `sk_test_${randomUUID().replace(/-/g, '')}`;
  const url = emulatorUrl();
  const base = new URL(url);
  const stripe = new Stripe(key, { host: base.hostname, port: Number(base.port), protocol: 'http', telemetry: false, maxNetworkRetries: 1 });
  const control = async (path: string, body: Record<string, unknown> = {}) => {
    const response = await fetch(`${url}/_emulator${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  return {
    key,
    url,
    stripe,
    control,
    async payableAccount() {
      const account = await stripe.accounts.create({ type: 'express', country: 'US', capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
      await control(`/accounts/${account.id}/onboard`);
      return account.id;
    },
    async confirmSetup(setupIntentId, card = 'pm_card_visa') {
      const setup = await stripe.setupIntents.confirm(setupIntentId, { payment_method: card });
      if (setup.status === 'requires_action') await control(`/setup_intents/${setupIntentId}/authenticate`, { outcome: 'succeed' });
      const done = await stripe.setupIntents.retrieve(setupIntentId);
      return typeof done.payment_method === 'string' ? done.payment_method : done.payment_method!.id;
    },
    async advance(seconds) {
      await control('/clock/advance', { seconds });
    },
  };
}
