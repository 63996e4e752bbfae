import { bookingSql, dataOf, eventually, startWorkers, stripeSignature, stripeWebhookSecret, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * Stripe's news about a payment, delivered by the emulator to booking's POST /webhooks/stripe
 * (signed with the secret the service runs with): the intent is re-read from Stripe and applied by
 * its current state, so duplicates, reversed order and late delivery end in the same state; an
 * authorisation that lapsed is never captured.
 */
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60' } });
const { at, studentToken } = bed;

const PAYMENT = `query($id: ID!) { booking(id: $id) { id status payment { status authorizedAmountMinor capturedAmountMinor failure { code } action { type clientSecret } } } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id paymentStatus } }`;

interface View {
  status: string;
  payment: { status: string; authorizedAmountMinor: number | null; capturedAmountMinor: number | null; failure: { code: string } | null; action: { type: string; clientSecret: string | null } | null };
}

let workers: RunningWorkers;
const webhookUrl = () => `${bed.stack.subgraphUrls.booking!.replace(/\/graphql$/, '')}/webhooks/stripe`;

beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
  await bed.world.control('/webhook_endpoints', { url: webhookUrl(), secret: stripeWebhookSecret(), connect: false });
});

afterAll(async () => {
  await workers?.stop();
});

afterEach(async () => {
  await bed.world.control('/webhooks/mode', { mode: 'normal' });
});

const book = (token: string, startsAt: string, overrides: Record<string, unknown> = {}) => bed.bookDue(token, startsAt, overrides);

async function viewOf(token: string, id: string): Promise<View> {
  return dataOf<{ booking: View }>(await bed.stack.graphql(PAYMENT, { token, variables: { id } })).booking;
}

async function until(token: string, id: string, status: string, drive = true): Promise<View> {
  let last: View | undefined;
  await eventually(
    async () => {
      if (drive) await bed.bookingModule.payments.sendDue();
      last = await viewOf(token, id);
      return last.payment.status === status;
    },
    30_000,
    `payment of ${id} to become ${status} (last: ${JSON.stringify(last)})`,
  );
  return last!;
}

async function liveIntents(id: string) {
  const [row] = await bookingSql<{ stripe_customer_id: string }>(bed.stack, `select stripe_customer_id from booking_payment where booking_id = $1`, [id]);
  return (await bed.world.stripe.paymentIntents.list({ customer: row!.stripe_customer_id, limit: 100 })).data.filter((pi) => pi.metadata.bookingId === id);
}

describe('webhooks from Stripe', () => {
  it('after the student authenticates, the webhook authorises the payment, delivered twice and in reverse order alike', async () => {
    await bed.world.control('/webhooks/mode', { mode: 'twice' });
    const token = await studentToken('student-webhook-3ds');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(2, '15:00'), { paymentMethodId: card }));
    const needed = await until(token, createBooking.id, 'ACTION_REQUIRED');
    const intentId = needed.payment.action!.clientSecret!.split('_secret_')[0]!;

    await bed.world.control('/webhooks/mode', { mode: 'hold' });
    await bed.world.stripe.paymentIntents.confirm(intentId, { payment_method: card });
    await bed.world.control(`/payment_intents/${intentId}/authenticate`, { outcome: 'succeed' });
    // Nothing delivered yet: the payment still waits for the student.
    expect((await viewOf(token, createBooking.id)).payment.status).toBe('ACTION_REQUIRED');
    await bed.world.control('/webhooks/flush', { order: 'reverse' });
    const authorized = await until(token, createBooking.id, 'AUTHORIZED', false);
    expect(authorized.payment).toMatchObject({ authorizedAmountMinor: createBooking.price.amountMinor, action: null });
    expect((await liveIntents(createBooking.id)).filter((pi) => pi.status === 'requires_capture')).toHaveLength(1);
  });

  it('refuses an unsigned or wrongly signed body and changes nothing', async () => {
    const body = JSON.stringify({ id: 'evt_forged', type: 'payment_intent.canceled', data: { object: { id: 'pi_forged', object: 'payment_intent' } } });
    const unsigned = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(400);
    const forged = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, { secret: 'whsec_not_the_right_one_at_all' }) }, body });
    expect(forged.status).toBe(400);
    const late = await fetch(webhookUrl(), { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, { timestamp: Math.floor(Date.now() / 1000) - 3600 }) }, body });
    expect(late.status).toBe(400);
  });
});

describe('an authorisation that lapsed', () => {
  it('is never captured: the lesson completes, the capture finds it expired, the payment is FAILED; late webhooks change nothing', async () => {
    const token = await studentToken('student-lapsed');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(3, '15:00')));
    await until(token, createBooking.id, 'AUTHORIZED');
    // The lesson is over by booking's clock; then Stripe's hold lapses (its clock passes capture_before),
    // the news held back as a late webhook would be.
    bed.bookingClockOffsetMs = Date.parse(at(3, '17:00')) - Date.now();
    await bed.world.control('/webhooks/mode', { mode: 'hold' });
    await bed.world.advance(8 * 86_400);
    expect((await liveIntents(createBooking.id)).map((pi) => pi.status)).toEqual(['canceled']);

    // Whichever comes first, Stripe's news of the lapse or the capture finding it, nothing is captured.
    expect(['CAPTURING', 'FAILED']).toContain(
      dataOf<{ completeBooking: { paymentStatus: string } }>(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: createBooking.id } })).completeBooking.paymentStatus,
    );
    const failed = await until(token, createBooking.id, 'FAILED');
    expect(failed.payment).toMatchObject({ capturedAmountMinor: null, failure: { code: 'authorization_expired' } });

    await bed.world.control('/webhooks/flush', { order: 'reverse' });
    await bed.world.control('/webhooks/settle', {});
    expect((await viewOf(token, createBooking.id)).payment.status).toBe('FAILED');
    expect((await liveIntents(createBooking.id)).map((pi) => pi.status)).toEqual(['canceled']);
  });
});
