/**
 * `npm start`'s Stripe step, for local development against the project's Stripe emulator
 * (STRIPE_API_BASE pointing at it; nothing happens against real Stripe, where webhooks are set up in
 * the Dashboard): registers the booking and instructor services' webhook endpoints with the secret
 * they verify with, and makes every instructor's Connect account known to it, onboarded (the demo
 * seed makes account ids without calling Stripe), so the demo instructors can be paid, and tops up
 * the platform's own balance when it is low (the platform pays instructors what credits paid beyond
 * its fee by transfers from that balance, as a live platform tops up its Stripe balance). The
 * emulator keeps its state in memory: after it restarts, this runs again
 * with the next `npm start` (accounts made before the restart are gone there; re-seed with a fresh
 * database to get new ones).
 */
import { DEFAULT_PORTS } from '@instainstru/platform';
import { withServiceDeps } from './lib/service-deps';

const base = (process.env.STRIPE_API_BASE ?? 'http://127.0.0.1:12120').replace(/\/$/, '');
const key = process.env.STRIPE_SECRET_KEY ?? 'sk_test_instainstru';
const secret = process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_instainstru_dev_webhook_secret';
/** The platform balance kept in the emulator for local development (USD 10,000). */
const PLATFORM_BALANCE_MINOR = 1_000_000;

async function control(path: string, body: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${base}/_emulator${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function main(): Promise<void> {
  const probe = await fetch(`${base}/_emulator/clock`, { headers: { authorization: `Bearer ${key}` } }).catch(() => null);
  if (!probe?.ok) {
    console.log(`stripe: ${base} is not the project's emulator; webhooks are configured in Stripe's Dashboard`);
    return;
  }
  // The platform's own events, and connected accounts' (Connect: instructors' accounts and payouts), for each service.
  const endpoints = [
    { url: `http://127.0.0.1:${DEFAULT_PORTS.booking}/webhooks/stripe`, connect: false, description: 'booking (platform)' },
    { url: `http://127.0.0.1:${DEFAULT_PORTS.booking}/webhooks/stripe`, connect: true, description: 'booking (connect)' },
    { url: `http://127.0.0.1:${DEFAULT_PORTS.instructor}/webhooks/stripe`, connect: false, description: 'instructor (platform)' },
    { url: `http://127.0.0.1:${DEFAULT_PORTS.instructor}/webhooks/stripe`, connect: true, description: 'instructor (connect)' },
  ];
  const listed = (await (await fetch(`${base}/v1/webhook_endpoints?limit=100`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
    data?: { url: string; description: string | null }[];
  };
  // Each registered once per emulator start, known by its description (an emulator started before one was added gets it now).
  const known = new Set((listed.data ?? []).map((e) => e.description));
  for (const endpoint of endpoints) {
    if (known.has(endpoint.description)) continue;
    const answer = await control('/webhook_endpoints', { ...endpoint, secret });
    if (!answer.ok) throw new Error(`could not register ${endpoint.url}: ${answer.status} ${await answer.text()}`);
  }
  const accounts = await withServiceDeps('instructor', (deps) =>
    deps.db.query<{ stripe_account_id: string }>(`select stripe_account_id from instructor_profile where stripe_account_id is not null`),
  );
  let onboarded = 0;
  for (const { stripe_account_id: id } of accounts) {
    // Seeded instructors' accounts were made before the emulator knew them: adopted, onboarded.
    if ((await control(`/accounts/${id}/adopt`)).ok) onboarded += 1;
  }
  const balance = (await (await fetch(`${base}/v1/balance`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available?: { amount: number; currency: string }[] };
  const available = balance.available?.find((b) => b.currency === 'usd')?.amount ?? 0;
  if (available < PLATFORM_BALANCE_MINOR / 2) {
    const topUp = await control('/balance/credit', { amount: PLATFORM_BALANCE_MINOR - available, status: 'available' });
    if (!topUp.ok) throw new Error(`could not top up the platform balance: ${topUp.status} ${await topUp.text()}`);
  }
  console.log(`stripe: emulator webhooks registered; ${onboarded} of ${accounts.length} instructor payout accounts onboarded; platform balance topped up`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
