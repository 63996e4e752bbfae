import { bookingSql, dataOf, errorOf, eventually, startWorkers, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * A lesson's money through the gateway, against the project's Stripe emulator driven by the real
 * SDK: a card saved through a SetupIntent, the authorisation due at once (booking's clock is moved to three
 * days before the lesson, inside the 7-day lead time), the payments worker on Kafka, capture after the lesson, the
 * instructor's Connect balance; and the failing paths (declines, authentication, another student's
 * card, no card).
 */
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60' } });
const { at, studentToken } = bed;

/** Books a week ahead of the 7-day lead, then booking's clock moves three days before the lesson: the authorisation is due. */
const book = (token: string, startsAt: string, overrides: Record<string, unknown> = {}) => bed.bookDue(token, startsAt, overrides);

const PAYMENT = `payment { status amount { amountMinor currency } platformFeeMinor authorizeAt authorizedAmountMinor authorizedAt captureBefore capturedAmountMinor capturedAt voidedAt
  action { type clientSecret deadline } failure { code message } }`;
const BOOKING = `query($id: ID!) { booking(id: $id) { id status paymentStatus ${PAYMENT} } }`;
const MY_CARDS = `{ myPaymentMethods { id brand last4 expMonth expYear } }`;
const RETRY = `mutation($bookingId: ID!, $paymentMethodId: ID) { retryBookingPayment(bookingId: $bookingId, paymentMethodId: $paymentMethodId) { id paymentStatus ${PAYMENT} } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id status paymentStatus } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(id: $id) { id status paymentStatus } }`;

interface PaymentView {
  status: string;
  amount: { amountMinor: number; currency: string };
  platformFeeMinor: number;
  authorizedAmountMinor: number | null;
  capturedAmountMinor: number | null;
  captureBefore: string | null;
  action: { type: string; clientSecret: string | null; deadline: string } | null;
  failure: { code: string; message: string } | null;
}

let workers: RunningWorkers;

beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
});

afterAll(async () => {
  await workers?.stop();
});

async function paymentOf(token: string, id: string): Promise<PaymentView> {
  return dataOf<{ booking: { payment: PaymentView } }>(await bed.stack.graphql(BOOKING, { token, variables: { id } })).booking.payment;
}

/** Runs the scheduler's pass until the payment reaches `status` (the worker acts on the commands it sends). */
async function settlesAt(token: string, id: string, status: string): Promise<PaymentView> {
  let last: PaymentView | undefined;
  await eventually(
    async () => {
      await bed.bookingModule.payments.sendDue();
      last = await paymentOf(token, id);
      return last.status === status;
    },
    30_000,
    `payment of ${id} to become ${status} (last: ${JSON.stringify(last)})`,
  );
  return last!;
}

async function intentsOfBooking(id: string) {
  const [row] = await bookingSql<{ stripe_customer_id: string }>(bed.stack, `select stripe_customer_id from booking_payment where booking_id = $1`, [id]);
  const list = await bed.world.stripe.paymentIntents.list({ customer: row!.stripe_customer_id, limit: 100 });
  return list.data.filter((pi) => pi.metadata.bookingId === id);
}

describe('a card saved, authorised before the lesson, captured after it', () => {
  it('books with a saved card, authorises once, captures after completion and credits the instructor', async () => {
    const token = await studentToken('student-pays');
    const card = await bed.cards.cardOf(token);
    expect(dataOf<{ myPaymentMethods: unknown[] }>(await bed.stack.graphql(MY_CARDS, { token })).myPaymentMethods).toEqual([
      { id: card, brand: 'visa', last4: '4242', expMonth: expect.any(Number), expYear: expect.any(Number) },
    ]);

    const { createBooking } = dataOf<{ createBooking: BookingView & { paymentStatus: string } }>(await book(token, at(2, '10:00'), { paymentMethodId: card }));
    expect(createBooking.paymentStatus).toBe('SCHEDULED');
    const scheduled = await paymentOf(token, createBooking.id);
    expect(scheduled).toMatchObject({ status: 'SCHEDULED', amount: createBooking.price, platformFeeMinor: Math.round(createBooking.price.amountMinor * 0.15) });

    const authorized = await settlesAt(token, createBooking.id, 'AUTHORIZED');
    expect(authorized).toMatchObject({ authorizedAmountMinor: createBooking.price.amountMinor, action: null, failure: null });
    expect(Date.parse(authorized.captureBefore!)).toBeGreaterThan(Date.now());
    await bed.bookingModule.payments.sendDue();
    expect(await intentsOfBooking(createBooking.id)).toHaveLength(1);

    bed.bookingClockOffsetMs = Date.parse(at(2, '12:00')) - Date.now();
    expect(dataOf<{ completeBooking: { paymentStatus: string } }>(await bed.stack.graphql(COMPLETE, { token: bed.teacher.token, variables: { id: createBooking.id } })).completeBooking.paymentStatus).toBe(
      'CAPTURING',
    );
    const captured = await settlesAt(token, createBooking.id, 'CAPTURED');
    expect(captured.capturedAmountMinor).toBe(createBooking.price.amountMinor);

    const [intent] = await intentsOfBooking(createBooking.id);
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: createBooking.price.amountMinor, application_fee_amount: scheduled.platformFeeMinor });
    const [account] = await bookingSql<{ stripe_account_id: string }>(bed.stack, `select stripe_account_id from instructor_payout_account where instructor_id = $1`, [bed.teacher.id]);
    const balance = await bed.world.stripe.balance.retrieve({}, { stripeAccount: account!.stripe_account_id });
    const share = createBooking.price.amountMinor - scheduled.platformFeeMinor;
    expect(balance.pending.find((b) => b.currency === 'usd')?.amount ?? 0).toBeGreaterThanOrEqual(share);
  });

  it('voids the authorisation when the booking is cancelled', async () => {
    const token = await studentToken('student-cancels-paid');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(3, '10:00')));
    await settlesAt(token, createBooking.id, 'AUTHORIZED');
    expect(dataOf<{ cancelBooking: { paymentStatus: string } }>(await bed.stack.graphql(CANCEL, { token, variables: { id: createBooking.id } })).cancelBooking.paymentStatus).toBe('VOIDING');
    await settlesAt(token, createBooking.id, 'VOIDED');
    const intents = await intentsOfBooking(createBooking.id);
    expect(intents.map((pi) => pi.status)).toEqual(['canceled']);
  });
});

describe('when the card needs the student', () => {
  it('a declined card asks for another one; retrying with a good card authorises', async () => {
    const token = await studentToken('student-declined');
    const declining = await bed.cards.cardOf(token, 'pm_card_chargeCustomerFail');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(4, '10:00'), { paymentMethodId: declining }));
    const needed = await settlesAt(token, createBooking.id, 'ACTION_REQUIRED');
    expect(needed).toMatchObject({ action: { type: 'NEW_PAYMENT_METHOD', clientSecret: null }, failure: { code: 'generic_decline' } });

    const good = await bed.cards.cardOf(token);
    const retried = dataOf<{ retryBookingPayment: { payment: PaymentView } }>(await bed.stack.graphql(RETRY, { token, variables: { bookingId: createBooking.id, paymentMethodId: good } }));
    expect(retried.retryBookingPayment.payment.status).toBe('AUTHORIZING');
    await settlesAt(token, createBooking.id, 'AUTHORIZED');
    const live = (await intentsOfBooking(createBooking.id)).filter((pi) => pi.status === 'requires_capture');
    expect(live).toHaveLength(1);
  });

  it('authentication required off-session: the student authenticates and the payment is authorised', async () => {
    const token = await studentToken('student-3ds');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(4, '14:00'), { paymentMethodId: card }));
    const needed = await settlesAt(token, createBooking.id, 'ACTION_REQUIRED');
    expect(needed.action).toMatchObject({ type: 'AUTHENTICATE', clientSecret: expect.stringMatching(/^pi_.+_secret_/) });
    // The instructor sees that the student must act, never the secret.
    const seenByTeacher = await paymentOf(bed.teacher.token, createBooking.id);
    expect(seenByTeacher.action).toMatchObject({ type: 'AUTHENTICATE', clientSecret: null });

    // What Stripe.js does in the student's browser: confirm on-session, then the bank's challenge.
    const intentId = needed.action!.clientSecret!.split('_secret_')[0]!;
    const confirmed = await bed.world.stripe.paymentIntents.confirm(intentId, { payment_method: card });
    expect(confirmed.status).toBe('requires_action');
    await bed.world.control(`/payment_intents/${intentId}/authenticate`, { outcome: 'succeed' });

    const retried = dataOf<{ retryBookingPayment: { payment: PaymentView } }>(await bed.stack.graphql(RETRY, { token, variables: { bookingId: createBooking.id } }));
    expect(retried.retryBookingPayment.payment).toMatchObject({ status: 'AUTHORIZED', authorizedAmountMinor: createBooking.price.amountMinor, action: null });
  });
});

describe('bad input: a clear error, nothing written', () => {
  it('refuses a booking without a card, with another student’s card, or with a made-up id', async () => {
    const token = await studentToken('student-no-card');
    const other = await bed.cards.cardOf(await studentToken('student-other-card'));
    const count = async () => Number((await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from booking where student_user_id = 'student-no-card'`))[0]!.n);
    expect(errorOf(await book(token, at(5, '10:00'), { paymentMethodId: null }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAYMENT_REQUIRED' });
    expect(errorOf(await book(token, at(5, '10:00'), { paymentMethodId: other }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAYMENT_METHOD_NOT_FOUND' });
    expect(errorOf(await book(token, at(5, '10:00'), { paymentMethodId: 'pm_does_not_exist' }))).toMatchObject({ reason: 'PAYMENT_METHOD_NOT_FOUND' });
    expect(errorOf(await book(token, at(5, '10:00'), { paymentMethodId: "'; drop table booking; --" }))).toMatchObject({ reason: 'PAYMENT_METHOD_NOT_FOUND' });
    expect(await count()).toBe(0);
  });

  it('refuses retrying a payment that does not need the student', async () => {
    const token = await studentToken('student-retry-early');
    const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, at(5, '14:00')));
    expect(errorOf(await bed.stack.graphql(RETRY, { token, variables: { bookingId: createBooking.id } }))).toMatchObject({ code: 'CONFLICT', reason: 'PAYMENT_NOT_ACTIONABLE' });
    const stranger = await studentToken('student-stranger');
    expect(errorOf(await bed.stack.graphql(RETRY, { token: stranger, variables: { bookingId: createBooking.id } }))).toMatchObject({ reason: 'BOOKING_NOT_FOUND' });
  });
});
