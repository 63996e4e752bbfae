import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { startStripeEmulator, type EmulatorConfig, type RunningEmulator } from '../src/server';

/** An emulator in this process on a free port (tests need no infrastructure). */
export function useEmulator(config: Partial<EmulatorConfig> = {}): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startStripeEmulator({ port: 0, config: { webhookRetryBaseMs: 50, tickMs: 0, ...config } });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => emulator!;
}

let counter = 0;
/** A fresh world: every secret key is its own Stripe account. */
export const freshKey = (label = 'test') => `sk_test_${label}_${process.pid}_${Date.now()}_${++counter}`;

/** The official SDK pointed at the emulator. */
export function stripeFor(emulator: RunningEmulator, key: string, options: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(key, { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...options });
}

/** Calls a control route (/_emulator/…) of the key's world. */
export async function control<T = Record<string, unknown>>(emulator: RunningEmulator, key: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await response.json()) as T;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${JSON.stringify(json)}`);
  return json;
}

export interface Received {
  body: string;
  signature: string;
  event: Stripe.Event;
}

/** A webhook receiver: records what arrives; `failNext` answers 500 to the next n deliveries. */
export async function webhookReceiver(): Promise<{ url: string; received: Received[]; failNext: (n: number) => void; close: () => Promise<void>; waitFor: (count: number, timeoutMs?: number) => Promise<Received[]> }> {
  const received: Received[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(500).end('boom');
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ body, signature: String(req.headers['stripe-signature']), event: JSON.parse(body) as Stripe.Event });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    received,
    failNext: (n) => (failures = n),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    waitFor: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} webhook deliveries, got ${received.length}: ${received.map((r) => r.event.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return received;
    },
  };
}

/** A connected account with onboarding done (charges and payouts enabled). */
export async function onboardedAccount(emulator: RunningEmulator, key: string, stripe: Stripe): Promise<Stripe.Account> {
  const account = await stripe.accounts.create({
    type: 'express',
    country: 'US',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
    business_type: 'individual',
  });
  return control<Stripe.Account>(emulator, key, 'POST', `/_emulator/accounts/${account.id}/onboard`);
}

/** The first balance amount in usd of a list (available / pending / instant_available). */
export const usd = (entries: Array<{ amount: number; currency: string }> | undefined): number => entries?.find((e) => e.currency === 'usd')?.amount ?? 0;

/** Expect a promise to reject with a Stripe error matching `shape`; returns the error. */
export async function stripeError(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    return error as Stripe.errors.StripeError;
  }
  throw new Error('expected the call to fail');
}
