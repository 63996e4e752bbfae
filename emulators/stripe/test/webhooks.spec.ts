import Stripe from 'stripe';
import { control, freshKey, onboardedAccount, stripeFor, useEmulator, webhookReceiver } from './support';

const emulator = useEmulator();
const verifier = new Stripe('sk_test_verifier_only');
const SECRET = 'whsec_configured_secret_for_the_service';

async function setup(options: { connect?: boolean; events?: string[] } = {}) {
  const key = freshKey('hooks');
  const stripe = stripeFor(emulator(), key);
  const receiver = await webhookReceiver();
  await control(emulator(), key, 'POST', '/_emulator/webhook_endpoints', {
    url: receiver.url,
    secret: SECRET,
    connect: options.connect ?? false,
    enabled_events: options.events ?? ['customer.created', 'customer.updated'],
  });
  return { key, stripe, receiver };
}

describe('webhooks', () => {
  it('delivers signed events that stripe.webhooks.constructEvent accepts', async () => {
    const { stripe, receiver } = await setup();
    const customer = await stripe.customers.create({ name: 'Signed' }, { idempotencyKey: 'hook-1' });
    const [delivery] = await receiver.waitFor(1);
    const event = verifier.webhooks.constructEvent(delivery!.body, delivery!.signature, SECRET);
    expect(event).toMatchObject({ type: 'customer.created', api_version: '2026-10-28.endive', livemode: false, request: { idempotency_key: 'hook-1' } });
    expect((event.data.object as Stripe.Customer).id).toBe(customer.id);
    expect(() => verifier.webhooks.constructEvent(delivery!.body, delivery!.signature, 'whsec_wrong')).toThrow(/signature/i);
    expect(await stripe.events.retrieve(event.id)).toMatchObject({ id: event.id, type: 'customer.created' });
    await receiver.close();
  });

  it('registers through the API with a generated secret, and retries failed deliveries', async () => {
    const key = freshKey('hooks');
    const stripe = stripeFor(emulator(), key);
    const receiver = await webhookReceiver();
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.*' as Stripe.WebhookEndpointCreateParams.EnabledEvent] });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
    receiver.failNext(2);
    await stripe.customers.create({});
    const [delivery] = await receiver.waitFor(1);
    verifier.webhooks.constructEvent(delivery!.body, delivery!.signature, endpoint.secret!);
    const { data } = await control<{ data: Array<{ attempt: number; status: number; ok: boolean }> }>(emulator(), key, 'GET', '/_emulator/webhooks/deliveries');
    expect(data.map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    await receiver.close();
  });

  it('mode twice delivers every event two times', async () => {
    const { key, stripe, receiver } = await setup();
    await control(emulator(), key, 'POST', '/_emulator/webhooks/mode', { mode: 'twice' });
    await stripe.customers.create({});
    const received = await receiver.waitFor(2);
    expect(received[0]!.event.id).toBe(received[1]!.event.id);
    await receiver.close();
  });

  it('mode reverse delivers a batch newest first', async () => {
    const { key, stripe, receiver } = await setup();
    await control(emulator(), key, 'POST', '/_emulator/webhooks/mode', { mode: 'reverse', delay_ms: 100 });
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { name: 'later' });
    const received = await receiver.waitFor(2);
    expect(received.map((r) => r.event.type)).toEqual(['customer.updated', 'customer.created']);
    await receiver.close();
  });

  it('mode hold keeps events until flush (late delivery, in either order)', async () => {
    const { key, stripe, receiver } = await setup();
    await control(emulator(), key, 'POST', '/_emulator/webhooks/mode', { mode: 'hold' });
    const customer = await stripe.customers.create({});
    await stripe.customers.update(customer.id, { name: 'one' });
    await stripe.customers.update(customer.id, { name: 'two' });
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.received).toHaveLength(0);
    const flushed = await control<{ delivered: number }>(emulator(), key, 'POST', '/_emulator/webhooks/flush', { order: 'reverse' });
    expect(flushed.delivered).toBe(3);
    expect(receiver.received.map((r) => [r.event.type, (r.event.data.object as Stripe.Customer).name])).toEqual([
      ['customer.updated', 'two'],
      ['customer.updated', 'one'],
      ['customer.created', null],
    ]);
    expect(receiver.received[0]!.event.data.previous_attributes).toEqual({ name: 'one' });
    await receiver.close();
  });

  it('sends connected-account events (account.updated, payouts) to Connect endpoints only, with `account`', async () => {
    const key = freshKey('hooks');
    const stripe = stripeFor(emulator(), key);
    const platform = await webhookReceiver();
    const connect = await webhookReceiver();
    await control(emulator(), key, 'POST', '/_emulator/webhook_endpoints', { url: platform.url, secret: SECRET, connect: false, enabled_events: ['*'] });
    await control(emulator(), key, 'POST', '/_emulator/webhook_endpoints', { url: connect.url, secret: SECRET, connect: true, enabled_events: ['account.updated', 'payout.created'] });
    const account = await onboardedAccount(emulator(), key, stripe);
    await control(emulator(), key, 'POST', '/_emulator/balance/credit', { amount: 5000 }, { 'stripe-account': account.id });
    await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: account.id });
    const received = await connect.waitFor(2);
    expect(received.map((r) => [r.event.type, r.event.account])).toEqual([
      ['account.updated', account.id],
      ['payout.created', account.id],
    ]);
    expect(received[0]!.event.data.previous_attributes).toMatchObject({ charges_enabled: false, payouts_enabled: false, details_submitted: false });
    await control(emulator(), key, 'POST', '/_emulator/webhooks/settle');
    expect(platform.received.filter((r) => r.event.account)).toHaveLength(0);
    const connectedEvents = await stripe.events.list({}, { stripeAccount: account.id });
    expect(connectedEvents.data.map((e) => e.type)).toEqual(expect.arrayContaining(['payout.created', 'account.updated']));
    await platform.close();
    await connect.close();
  });
});
