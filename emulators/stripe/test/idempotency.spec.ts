import Stripe from 'stripe';
import { control, freshKey, stripeError, stripeFor, useEmulator } from './support';

const emulator = useEmulator();

/** A raw form POST, as the SDK sends it, to look at headers and statuses. */
async function post(key: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${emulator().url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
}

describe('idempotency', () => {
  it('replays the stored answer for the same key and parameters, with Idempotent-Replayed', async () => {
    const key = freshKey('idem');
    const stripe = stripeFor(emulator(), key);
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' });
    const second = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k1' });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.customers.list()).data).toHaveLength(1);
  });

  it('refuses the same key with other parameters or another endpoint (400 idempotency_error)', async () => {
    const key = freshKey('idem');
    const stripe = stripeFor(emulator(), key);
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k2' });
    const other = await stripeError(stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k2' }));
    expect(other).toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
    const endpoint = await stripeError(stripe.setupIntents.create({}, { idempotencyKey: 'k2' }));
    expect(endpoint.statusCode).toBe(400);
    expect(endpoint.rawType).toBe('idempotency_error');
  });

  it('stores and replays errors too (a card decline is not retried by a replay)', async () => {
    const key = freshKey('idem');
    const params = { amount: '2000', currency: 'usd', payment_method: 'pm_card_chargeDeclined', confirm: 'true' };
    const first = await post(key, '/v1/payment_intents', params, { 'idempotency-key': 'decline-1' });
    const second = await post(key, '/v1/payment_intents', params, { 'idempotency-key': 'decline-1' });
    expect(first.status).toBe(402);
    expect(second.status).toBe(402);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const missing = await post(key, '/v1/payment_intents', { currency: 'usd' }, { 'idempotency-key': 'missing-1' });
    const replay = await post(key, '/v1/payment_intents', { currency: 'usd' }, { 'idempotency-key': 'missing-1' });
    expect([missing.status, missing.body.error.code, replay.headers.get('idempotent-replayed')]).toEqual([400, 'parameter_missing', 'true']);
  });

  it('answers 409 to a second request while the first with the key is in flight', async () => {
    const key = freshKey('idem');
    await control(emulator(), key, 'POST', '/_emulator/latency', { ms: 300 });
    const [a, b] = await Promise.all([
      post(key, '/v1/customers', { email: 'x@example.com' }, { 'idempotency-key': 'slow' }),
      new Promise((r) => setTimeout(r, 50)).then(() => post(key, '/v1/customers', { email: 'x@example.com' }, { 'idempotency-key': 'slow' })),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(409);
    expect(b.body.error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_key_in_use' });
    await control(emulator(), key, 'POST', '/_emulator/latency', { ms: 0 });
    const after = await post(key, '/v1/customers', { email: 'x@example.com' }, { 'idempotency-key': 'slow' });
    expect(after.body.id).toBe(a.body.id);
  });

  it('forgets keys after 24 hours of the world clock', async () => {
    const key = freshKey('idem');
    const first = await post(key, '/v1/customers', { name: 'n' }, { 'idempotency-key': 'old' });
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 24 * 3600 + 1 });
    const second = await post(key, '/v1/customers', { name: 'n' }, { 'idempotency-key': 'old' });
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
  });

  it('scopes keys to the Stripe-Account', async () => {
    const key = freshKey('idem');
    const stripe = stripeFor(emulator(), key);
    const account = await stripe.accounts.create({ type: 'express' });
    const a = await post(key, '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/x', 'enabled_events[0]': '*' }, { 'idempotency-key': 'acct' });
    const b = await post(key, '/v1/webhook_endpoints', { url: 'http://127.0.0.1:9/x', 'enabled_events[0]': '*' }, { 'idempotency-key': 'acct', 'stripe-account': account.id });
    expect(b.body.id).not.toBe(a.body.id);
  });
});

describe('keys and worlds', () => {
  it('answers 401 without a key or with an invalid one', async () => {
    const none = await fetch(`${emulator().url}/v1/customers`);
    expect(none.status).toBe(401);
    const bad = await stripeError(new Stripe('sk_live_nope', { host: '127.0.0.1', port: emulator().port, protocol: 'http', maxNetworkRetries: 0 }).customers.list());
    expect(bad).toMatchObject({ type: 'StripeAuthenticationError', statusCode: 401 });
  });

  it('keeps every secret key its own world (objects, events, clock)', async () => {
    const a = freshKey('a');
    const b = freshKey('b');
    const stripeA = stripeFor(emulator(), a);
    const stripeB = stripeFor(emulator(), b);
    const customer = await stripeA.customers.create({ name: 'only in A' });
    expect((await stripeError(stripeB.customers.retrieve(customer.id))).statusCode).toBe(404);
    expect((await stripeB.events.list()).data).toHaveLength(0);
    expect((await stripeA.events.list()).data.map((e) => e.type)).toEqual(['customer.created']);
    await control(emulator(), a, 'POST', '/_emulator/clock/advance', { seconds: 3600 });
    const clockA = await control<{ now: number }>(emulator(), a, 'GET', '/_emulator/clock');
    const clockB = await control<{ now: number }>(emulator(), b, 'GET', '/_emulator/clock');
    expect(clockA.now - clockB.now).toBeGreaterThanOrEqual(3599);
    await control(emulator(), a, 'POST', '/_emulator/reset');
    expect((await stripeError(stripeA.customers.retrieve(customer.id))).statusCode).toBe(404);
  });
});
