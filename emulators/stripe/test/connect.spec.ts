import type Stripe from 'stripe';
import { control, freshKey, onboardedAccount, stripeError, stripeFor, usd, useEmulator } from './support';

const emulator = useEmulator();
const DAY = 24 * 3600;

async function world() {
  const key = freshKey('connect');
  const stripe = stripeFor(emulator(), key);
  const account = await onboardedAccount(emulator(), key, stripe);
  const balanceOf = async (acct: string | null) => {
    const b = acct ? await stripe.balance.retrieve({}, { stripeAccount: acct }) : await stripe.balance.retrieve();
    return { available: usd(b.available), pending: usd(b.pending), instant: usd(b.instant_available), total: usd(b.available) + usd(b.pending) };
  };
  /** A captured destination charge of `amount` with `fee`. */
  const destinationCharge = async (amount: number, fee: number) => {
    const pi = await stripe.paymentIntents.create({
      amount,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      capture_method: 'manual',
      confirm: true,
      transfer_data: { destination: account.id },
      application_fee_amount: fee,
    });
    return stripe.paymentIntents.capture(pi.id);
  };
  return { key, stripe, account, balanceOf, destinationCharge };
}

describe('connect accounts', () => {
  it('starts disabled with an instant-eligible debit card; the account link page completes onboarding', async () => {
    const key = freshKey('connect');
    const stripe = stripeFor(emulator(), key);
    const account = await stripe.accounts.create({
      type: 'express',
      country: 'US',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      business_type: 'individual',
      metadata: { instructorId: 'i1' },
    });
    expect(account).toMatchObject({ charges_enabled: false, payouts_enabled: false, details_submitted: false, capabilities: { transfers: 'inactive' }, metadata: { instructorId: 'i1' } });
    expect(account.external_accounts!.data[0]).toMatchObject({ object: 'card', funding: 'debit', available_payout_methods: ['standard', 'instant'] });
    const link = await stripe.accountLinks.create({ account: account.id, type: 'account_onboarding', refresh_url: 'https://app.example/refresh', return_url: 'https://app.example/return' });
    expect(link.expires_at).toBeGreaterThan(link.created);
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('https://app.example/return');
    expect(await stripe.accounts.retrieve(account.id)).toMatchObject({ charges_enabled: true, payouts_enabled: true, details_submitted: true, capabilities: { transfers: 'active' } });
    expect(await stripe.accounts.del(account.id)).toMatchObject({ id: account.id, deleted: true });
  });

  it('moves separate transfers from the platform available balance', async () => {
    const { key, stripe, account, balanceOf } = await world();
    const short = await stripeError(stripe.transfers.create({ amount: 1000, currency: 'usd', destination: account.id }));
    expect(short).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
    await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    const transfer = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: account.id, transfer_group: 'booking-1', metadata: { bookingId: 'b1' } });
    expect(transfer).toMatchObject({ object: 'transfer', amount: 1000, destination: account.id, transfer_group: 'booking-1' });
    expect((await stripe.transfers.list({ destination: account.id })).data.map((t) => t.id)).toEqual([transfer.id]);
    expect(await balanceOf(account.id)).toMatchObject({ available: 1000, pending: 0 });
    expect(await balanceOf(null)).toMatchObject({ available: 2000 });
    void key;
  });

  it('reverses a transfer in parts, back to the platform, and refuses more than is left', async () => {
    const { stripe, account, balanceOf } = await world();
    await stripe.paymentIntents.create({ amount: 3000, currency: 'usd', payment_method: 'pm_card_bypassPending', confirm: true });
    const transfer = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination: account.id });
    const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 400, metadata: { bookingId: 'b1' } });
    expect(reversal).toMatchObject({ object: 'transfer_reversal', amount: 400, transfer: transfer.id, metadata: { bookingId: 'b1' } });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 400, reversed: false });
    expect(await balanceOf(account.id)).toMatchObject({ available: 600 });
    expect(await balanceOf(null)).toMatchObject({ available: 2400 });
    expect(await stripeError(stripe.transfers.createReversal(transfer.id, { amount: 601 }))).toMatchObject({ statusCode: 400, code: 'amount_too_large' });
    expect(await stripe.transfers.createReversal(transfer.id)).toMatchObject({ amount: 600 });
    expect(await stripe.transfers.retrieve(transfer.id)).toMatchObject({ amount_reversed: 1000, reversed: true });
    expect(await stripeError(stripe.transfers.createReversal(transfer.id, { amount: 1 }))).toMatchObject({ statusCode: 400, code: 'transfer_already_reversed' });
  });
});

describe('refunds', () => {
  it('refunds partially with reverse_transfer and refund_application_fee, proportionally', async () => {
    const { stripe, account, balanceOf, destinationCharge } = await world();
    const pi = await destinationCharge(10_000, 1000);
    expect(await balanceOf(account.id)).toMatchObject({ total: 9000 });
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 5000, reverse_transfer: true, refund_application_fee: true, reason: 'requested_by_customer', metadata: { why: 'cancel' } });
    expect(refund).toMatchObject({ object: 'refund', amount: 5000, status: 'succeeded', charge: pi.latest_charge, payment_intent: pi.id, metadata: { why: 'cancel' } });
    expect(refund.transfer_reversal).toMatch(/^trr_/);
    expect(await balanceOf(account.id)).toMatchObject({ total: 4500 });
    expect(await balanceOf(null)).toMatchObject({ total: 500 });
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 5000, refunded: false });
    const transfer = await stripe.transfers.retrieve(charge.transfer as string);
    expect(transfer).toMatchObject({ amount: 9000, amount_reversed: 4500, reversed: false });
    const tooMuch = await stripeError(stripe.refunds.create({ charge: charge.id, amount: 5001 }));
    expect(tooMuch).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    const rest = await stripe.refunds.create({ charge: charge.id, reverse_transfer: true });
    expect(rest.amount).toBe(5000);
    // without refund_application_fee the destination bears the fee share: the platform keeps its fee on the second half
    expect(await balanceOf(account.id)).toMatchObject({ total: -500 });
    expect(await balanceOf(null)).toMatchObject({ total: 500 });
    expect((await stripe.charges.retrieve(charge.id)).refunded).toBe(true);
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(2);
    const types = (await stripe.events.list({ types: ['refund.created', 'charge.refunded'] })).data.map((e) => e.type);
    expect(types).toEqual(['charge.refunded', 'refund.created', 'charge.refunded', 'refund.created']);
  });

  it('refuses to refund an uncaptured intent', async () => {
    const { stripe } = await world();
    const pi = await stripe.paymentIntents.create({ amount: 1000, currency: 'usd', payment_method: 'pm_card_visa', capture_method: 'manual', confirm: true });
    expect((await stripeError(stripe.refunds.create({ payment_intent: pi.id }))).statusCode).toBe(400);
  });
});

describe('payouts', () => {
  it('pays out instantly from pending funds with the fee on top, paid within 30 minutes', async () => {
    const { key, stripe, account, balanceOf, destinationCharge } = await world();
    await destinationCharge(10_000, 1000);
    expect(await balanceOf(account.id)).toMatchObject({ available: 0, pending: 9000, instant: 9000 });
    const tooMuch = await stripeError(stripe.payouts.create({ amount: 9001, currency: 'usd', method: 'instant' }, { stripeAccount: account.id }));
    expect(tooMuch).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
    const payout = await stripe.payouts.create({ amount: 4000, currency: 'usd', method: 'instant', metadata: { instructorId: 'i1' } }, { stripeAccount: account.id });
    expect(payout).toMatchObject({ object: 'payout', status: 'pending', method: 'instant', amount: 4000 });
    const txn = await stripe.balanceTransactions.retrieve(payout.balance_transaction as string, {}, { stripeAccount: account.id });
    expect(txn).toMatchObject({ type: 'payout', amount: -4000, fee: 60, net: -4060, fee_details: [{ amount: 60, type: 'stripe_fee' }] });
    expect(await balanceOf(account.id)).toMatchObject({ instant: 4940 });
    const small = await stripe.payouts.create({ amount: 1000, currency: 'usd', method: 'instant' }, { stripeAccount: account.id });
    expect((await stripe.balanceTransactions.retrieve(small.balance_transaction as string, {}, { stripeAccount: account.id })).fee).toBe(50);
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 31 * 60 });
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe('paid');
    const events = await stripe.events.list({ types: ['payout.created', 'payout.paid'] }, { stripeAccount: account.id });
    expect(events.data.every((e) => e.account === account.id)).toBe(true);
    expect(events.data.filter((e) => e.type === 'payout.paid')).toHaveLength(2);
    expect((await stripeError(stripe.payouts.retrieve(payout.id))).statusCode).toBe(404);
  });

  it('pays out standard from the available balance only, arriving after two days', async () => {
    const { key, stripe, account, destinationCharge } = await world();
    await destinationCharge(5000, 500);
    const early = await stripeError(stripe.payouts.create({ amount: 100, currency: 'usd' }, { stripeAccount: account.id }));
    expect(early).toMatchObject({ statusCode: 400, code: 'balance_insufficient' });
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 2 * DAY });
    const payout = await stripe.payouts.create({ amount: 4500, currency: 'usd', method: 'standard' }, { stripeAccount: account.id });
    expect(payout.arrival_date).toBe(payout.created + 2 * DAY);
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 3600 });
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe('in_transit');
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 2 * DAY });
    expect((await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id })).status).toBe('paid');
    expect((await stripeError(stripe.payouts.create({ amount: 0, currency: 'usd' }, { stripeAccount: account.id }))).statusCode).toBe(400);
  });

  it('fails payouts while a failure is set, returning the funds', async () => {
    const { key, stripe, account, balanceOf } = await world();
    await control(emulator(), key, 'POST', '/_emulator/balance/credit', { amount: 10_000 }, { 'stripe-account': account.id });
    await control(emulator(), key, 'POST', `/_emulator/accounts/${account.id}/payout_failure`, { code: 'account_closed' });
    const payout = await stripe.payouts.create({ amount: 2000, currency: 'usd', method: 'instant' }, { stripeAccount: account.id });
    expect(await balanceOf(account.id)).toMatchObject({ available: 7950 });
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 3600 });
    const failed = await stripe.payouts.retrieve(payout.id, {}, { stripeAccount: account.id });
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'account_closed' });
    expect(await balanceOf(account.id)).toMatchObject({ available: 10_000 });
    const event = (await stripe.events.list({ type: 'payout.failed' }, { stripeAccount: account.id })).data[0]!;
    expect(event).toMatchObject({ account: account.id, data: { object: { id: payout.id, failure_code: 'account_closed' } } });
    await control(emulator(), key, 'POST', `/_emulator/accounts/${account.id}/payout_failure`, { code: null });
    const ok = await stripe.payouts.create({ amount: 1000, currency: 'usd' }, { stripeAccount: account.id });
    await control(emulator(), key, 'POST', '/_emulator/clock/advance', { seconds: 3 * DAY });
    expect((await stripe.payouts.retrieve(ok.id, {}, { stripeAccount: account.id })).status).toBe('paid');
  });

  it('refuses payouts before onboarding', async () => {
    const key = freshKey('connect');
    const stripe = stripeFor(emulator(), key);
    const account = await stripe.accounts.create({ type: 'express' });
    expect(await stripeError(stripe.payouts.create({ amount: 100, currency: 'usd' }, { stripeAccount: account.id }))).toMatchObject({ statusCode: 400, code: 'payouts_not_allowed' });
  });
});

describe('identity', () => {
  it('creates a document session, verifies it through the control route, cancels another', async () => {
    const key = freshKey('identity');
    const stripe = stripeFor(emulator(), key);
    const session = await stripe.identity.verificationSessions.create(
      { type: 'document', options: { document: { require_matching_selfie: true } }, metadata: { instructorId: 'i1' }, return_url: 'https://app.example/id' },
      { idempotencyKey: 'id-1' },
    );
    expect(session).toMatchObject({ status: 'requires_input', type: 'document', options: { document: { require_matching_selfie: true } } });
    expect(session.url).toContain('/_emulator/identity/verify/');
    expect(session.client_secret).toMatch(/^vs_.+_secret_/);
    const verified = await control<Stripe.Identity.VerificationSession>(emulator(), key, 'POST', `/_emulator/identity/${session.id}/verify`);
    expect(verified.status).toBe('verified');
    expect((await stripe.events.list({ type: 'identity.verification_session.verified' })).data[0]!.data.object).toMatchObject({ id: session.id, metadata: { instructorId: 'i1' } });
    const other = await stripe.identity.verificationSessions.create({ type: 'document' });
    expect((await stripe.identity.verificationSessions.cancel(other.id)).status).toBe('canceled');
    expect((await stripeError(stripe.identity.verificationSessions.cancel(session.id))).statusCode).toBe(400);
  });
});
