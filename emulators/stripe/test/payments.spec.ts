import type Stripe from 'stripe';
import { control, freshKey, onboardedAccount, stripeError, stripeFor, usd, useEmulator } from './support';

const emulator = useEmulator();
const DAY = 24 * 3600;

async function world() {
  const key = freshKey('payments');
  const stripe = stripeFor(emulator(), key);
  return { key, stripe };
}

async function savedCard(stripe: Stripe, key: string, token: string) {
  const customer = await stripe.customers.create({ email: 'student@example.com', metadata: { userId: 'u1' } });
  // payment_method_types is gone from the SDK's types but still sent by callers and accepted
  const si = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session', payment_method_types: ['card'], metadata: { purpose: 'save' } } as Stripe.SetupIntentCreateParams);
  let confirmed: Stripe.SetupIntent = await stripe.setupIntents.confirm(si.id, { payment_method: token });
  if (confirmed.status === 'requires_action') {
    confirmed = await control<Stripe.SetupIntent>(emulator(), key, 'POST', `/_emulator/setup_intents/${si.id}/authenticate`, { outcome: 'succeed' });
  }
  return { customer, pm: confirmed.payment_method as string, si: confirmed };
}

describe('customers and payment methods', () => {
  it('creates, updates with a default payment method, lists cards and deletes', async () => {
    const { stripe } = await world();
    const customer = await stripe.customers.create({ name: 'Ada', metadata: { a: '1', b: '2' } });
    expect(customer).toMatchObject({ object: 'customer', livemode: false, name: 'Ada', metadata: { a: '1', b: '2' } });
    const pm = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2040, cvc: '123' } });
    expect(pm.card).toMatchObject({ brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2040, funding: 'credit', country: 'US' });
    const again = await stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2041 } });
    expect(again.card!.fingerprint).toBe(pm.card!.fingerprint);
    await stripe.paymentMethods.attach(pm.id, { customer: customer.id });
    const updated = await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id }, metadata: { a: '', c: '3' } });
    expect(updated.invoice_settings.default_payment_method).toBe(pm.id);
    expect(updated.metadata).toEqual({ b: '2', c: '3' });
    expect((await stripe.customers.listPaymentMethods(customer.id, { type: 'card' })).data.map((p) => p.id)).toEqual([pm.id]);
    expect((await stripe.paymentMethods.list({ customer: customer.id, type: 'card' })).data).toHaveLength(1);
    await stripe.paymentMethods.detach(pm.id);
    expect((await stripe.customers.retrieve(customer.id) as Stripe.Customer).invoice_settings.default_payment_method).toBeNull();
    expect(await stripe.customers.del(customer.id)).toEqual({ id: customer.id, object: 'customer', deleted: true });
  });

  it('refuses bad cards and unknown objects like Stripe', async () => {
    const { stripe } = await world();
    const luhn = await stripeError(stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424241', exp_month: 12, exp_year: 2040 } }));
    expect(luhn).toMatchObject({ type: 'StripeCardError', statusCode: 402, code: 'incorrect_number' });
    const expired = await stripeError(stripe.paymentMethods.create({ type: 'card', card: { number: '4242424242424242', exp_month: 1, exp_year: 2020 } }));
    expect(expired).toMatchObject({ statusCode: 402, code: 'expired_card' });
    const missing = await stripeError(stripe.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(missing).toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_missing', param: 'amount' });
    const unknown = await stripeError(stripe.customers.retrieve('cus_nope'));
    expect(unknown).toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const extra = await stripeError(stripe.customers.create({ nonsense: 1 } as Stripe.CustomerCreateParams));
    expect(extra).toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'nonsense' });
  });
});

describe('setup intents', () => {
  it('saves a card for off-session use (events in order)', async () => {
    const { stripe, key } = await world();
    const { customer, pm, si } = await savedCard(stripe, key, 'pm_card_visa');
    expect(si.status).toBe('succeeded');
    expect(si.client_secret).toMatch(/^seti_.+_secret_.+/);
    expect((await stripe.paymentMethods.retrieve(pm)).customer).toBe(customer.id);
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    expect(types).toEqual(['customer.created', 'setup_intent.created', 'payment_method.attached', 'setup_intent.succeeded']);
  });

  it('asks for 3-D Secure with 3184 and can fail it', async () => {
    const { stripe, key } = await world();
    const customer = await stripe.customers.create({});
    const si = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session' });
    const pending = await stripe.setupIntents.confirm(si.id, { payment_method: 'pm_card_authenticationRequired' });
    expect(pending.status).toBe('requires_action');
    expect(pending.next_action?.type).toBe('use_stripe_sdk');
    const failed = await control<Stripe.SetupIntent>(emulator(), key, 'POST', `/_emulator/setup_intents/${si.id}/authenticate`, { outcome: 'fail' });
    expect(failed.status).toBe('requires_payment_method');
    expect(failed.last_setup_error?.code).toBe('setup_intent_authentication_failure');
    const types = (await stripe.events.list({ type: 'setup_intent.*' })).data.map((e) => e.type);
    expect(types).toEqual(['setup_intent.setup_failed', 'setup_intent.requires_action', 'setup_intent.created']);
    expect((await stripe.setupIntents.cancel(si.id)).status).toBe('canceled');
  });

  it('is reachable with the publishable key and the client secret', async () => {
    const { stripe, key } = await world();
    const si = await stripe.setupIntents.create({});
    const browser = stripeFor(emulator(), key.replace('sk_test_', 'pk_test_'));
    const seen = await browser.setupIntents.retrieve(si.id, { client_secret: si.client_secret! } as Stripe.SetupIntentRetrieveParams);
    expect(seen.id).toBe(si.id);
    const denied = await stripeError(browser.customers.create({}));
    expect(denied.statusCode).toBe(401);
  });
});

describe('payment intents, manual capture, off session', () => {
  const offSession = (stripe: Stripe, customer: string, pm: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
    stripe.paymentIntents.create({
      amount: 10_000,
      currency: 'usd',
      customer,
      payment_method: pm,
      capture_method: 'manual',
      confirm: true,
      off_session: true,
      payment_method_types: ['card'],
      metadata: { bookingId: 'b1' },
      ...extra,
    } as Stripe.PaymentIntentCreateParams);

  it('authorises 4242 and captures fully with the fee; the destination gets the rest as pending then available', async () => {
    const { stripe, key } = await world();
    const account = await onboardedAccount(emulator(), key, stripe);
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_visa');
    const pi = await offSession(stripe, customer.id, pm, { transfer_data: { destination: account.id }, application_fee_amount: 1500 });
    expect(pi).toMatchObject({ status: 'requires_capture', amount_capturable: 10_000, amount_received: 0 });
    const charge = (await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge'] })).latest_charge as Stripe.Charge;
    expect(charge.payment_method_details!.card!.capture_before).toBe(charge.created + 7 * DAY);
    expect(charge.captured).toBe(false);
    const captured = await stripe.paymentIntents.capture(pi.id);
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 10_000, amount_capturable: 0, application_fee_amount: 1500 });
    const settled = await stripe.charges.retrieve(charge.id);
    expect(settled).toMatchObject({ captured: true, amount_captured: 10_000, application_fee_amount: 1500 });
    const transfer = await stripe.transfers.retrieve(settled.transfer as string);
    expect(transfer).toMatchObject({ amount: 8500, destination: account.id });
    const balance = await stripe.balance.retrieve({}, { stripeAccount: account.id });
    expect([usd(balance.pending), usd(balance.available), usd(balance.instant_available)]).toEqual([8500, 0, 8500]);
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 2 * DAY });
    const later = await stripe.balance.retrieve({}, { stripeAccount: account.id });
    expect([usd(later.pending), usd(later.available)]).toEqual([0, 8500]);
    const platform = await stripe.balance.retrieve();
    expect(usd(platform.available)).toBe(1500);
  });

  it('captures partially, releasing the rest, with the fee given at capture', async () => {
    const { stripe, key } = await world();
    const account = await onboardedAccount(emulator(), key, stripe);
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_visa');
    const pi = await offSession(stripe, customer.id, pm, { transfer_data: { destination: account.id }, application_fee_amount: 1500 });
    const captured = await stripe.paymentIntents.capture(pi.id, { amount_to_capture: 6000, application_fee_amount: 900, metadata: { captured: 'partial' } });
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 6000, amount_capturable: 0, application_fee_amount: 900, metadata: { bookingId: 'b1', captured: 'partial' } });
    expect(usd((await stripe.balance.retrieve({}, { stripeAccount: account.id })).pending)).toBe(5100);
    const again = await stripeError(stripe.paymentIntents.capture(pi.id));
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('declines 0341 and 9995 with 402 and the intent back to requires_payment_method', async () => {
    const { stripe, key } = await world();
    for (const [token, declineCode] of [
      ['pm_card_chargeCustomerFail', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
    ] as const) {
      const { customer, pm } = await savedCard(stripe, key, token);
      const error = await stripeError(offSession(stripe, customer.id, pm));
      expect(error).toMatchObject({ type: 'StripeCardError', statusCode: 402, code: 'card_declined', decline_code: declineCode });
      const pi = error.payment_intent!;
      expect(pi.status).toBe('requires_payment_method');
      expect(pi.last_payment_error).toMatchObject({ code: 'card_declined', decline_code: declineCode });
      const failed = await stripe.charges.retrieve(pi.latest_charge as string);
      expect(failed).toMatchObject({ status: 'failed', failure_code: 'card_declined' });
    }
    const types = (await stripe.events.list({ types: ['payment_intent.payment_failed', 'charge.failed'] })).data.map((e) => e.type);
    expect(types).toEqual(['payment_intent.payment_failed', 'charge.failed', 'payment_intent.payment_failed', 'charge.failed']);
  });

  it('3184 needs authentication: off session → 402 authentication_required; on session → requires_action, then authenticated', async () => {
    const { stripe, key } = await world();
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_authenticationRequired');
    const error = await stripeError(offSession(stripe, customer.id, pm));
    expect(error).toMatchObject({ statusCode: 402, code: 'authentication_required' });
    expect(error.payment_intent).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'authentication_required' } });
    const onSession = await stripe.paymentIntents.create({ amount: 5000, currency: 'usd', customer: customer.id, payment_method: pm, capture_method: 'manual', confirm: true });
    expect(onSession.status).toBe('requires_action');
    expect(onSession.next_action).toMatchObject({ type: 'use_stripe_sdk' });
    const done = await control<Stripe.PaymentIntent>(emulator(), key, 'POST', `/_emulator/payment_intents/${onSession.id}/authenticate`, { outcome: 'succeed' });
    expect(done).toMatchObject({ status: 'requires_capture', amount_capturable: 5000 });
    // the failed intent can be retried on session with confirm
    const retried = await stripe.paymentIntents.confirm(error.payment_intent!.id, { payment_method: pm });
    expect(retried.status).toBe('requires_action');
    const failed = await control<Stripe.PaymentIntent>(emulator(), key, 'POST', `/_emulator/payment_intents/${retried.id}/authenticate`, { outcome: 'fail' });
    expect(failed).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'payment_intent_authentication_failure' } });
  });

  it('expires an uncaptured authorisation when the clock passes capture_before', async () => {
    const { stripe, key } = await world();
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_visa');
    const pi = await offSession(stripe, customer.id, pm);
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 7 * DAY - 60 });
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_capture');
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 120 });
    const expired = await stripe.paymentIntents.retrieve(pi.id);
    expect(expired).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic', amount_capturable: 0 });
    const refused = await stripeError(stripe.paymentIntents.capture(pi.id));
    expect(refused).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const events = (await stripe.events.list({ types: ['charge.expired', 'payment_intent.canceled'] })).data;
    expect(events.map((e) => e.type)).toEqual(['payment_intent.canceled', 'charge.expired']);
    const { now } = await control<{ now: number }>(emulator(), key, 'GET', '/_emulator/clock');
    expect(now).toBeGreaterThanOrEqual(pi.created + 7 * DAY + 60);
  });

  it('cancels an uncaptured intent, and not a captured one', async () => {
    const { stripe, key } = await world();
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_visa');
    const pi = await offSession(stripe, customer.id, pm);
    expect(await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'requested_by_customer' })).toMatchObject({ status: 'canceled', cancellation_reason: 'requested_by_customer' });
    const other = await offSession(stripe, customer.id, pm);
    await stripe.paymentIntents.capture(other.id);
    expect(await stripeError(stripe.paymentIntents.cancel(other.id))).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
    const listed = await stripe.paymentIntents.list({ customer: customer.id, limit: 1 });
    expect(listed.data.map((p) => p.id)).toEqual([other.id]);
    expect(listed.has_more).toBe(true);
  });

  it('refuses a destination that has not finished onboarding', async () => {
    const { stripe, key } = await world();
    const account = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    const { customer, pm } = await savedCard(stripe, key, 'pm_card_visa');
    const error = await stripeError(offSession(stripe, customer.id, pm, { transfer_data: { destination: account.id }, application_fee_amount: 100 }));
    expect(error).toMatchObject({ statusCode: 400, code: 'insufficient_capabilities_for_transfer' });
  });
});
