import { bookingSql, dataOf, errorOf, eventually, outboxEvents, startWorkers, stripeWebhookSecret, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed } from '../support/booking';

/**
 * A lesson sooner than the authorisation lead time (24 h by default) is authorised while the
 * student books, through the gateway against the Stripe emulator: a good card answers CONFIRMED
 * and AUTHORIZED at once; a card whose bank asks for authentication answers REQUESTED with the
 * client secret, the slot held for the student until they complete it (then confirmed) or the
 * window closes (then cancelled by the system, the slot free again); a declined card answers
 * PAYMENT_DECLINED and leaves nothing behind.
 */
const WINDOW_SECONDS = 540;
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_ON_SESSION_WINDOW_SECONDS: String(WINDOW_SECONDS) } });
const { at, studentToken, holdOf } = bed;

const PAYMENT = `payment { status authorizedAmountMinor capturedAmountMinor action { type clientSecret deadline } failure { code message } }`;
const CREATE = `mutation($input: CreateBookingInput!) { createBooking(input: $input) { id status paymentStatus confirmedAt price { amountMinor currency } ${PAYMENT} } }`;
const BOOKING = `query($id: ID!) { booking(id: $id) { id status paymentStatus confirmedAt cancellation { cancelledBy reason } ${PAYMENT} } }`;
const RETRY = `mutation($bookingId: ID!) { retryBookingPayment(bookingId: $bookingId) { status paymentStatus } }`;

interface View {
  id: string;
  status: string;
  paymentStatus: string;
  confirmedAt: string | null;
  cancellation?: { cancelledBy: string; reason: string | null } | null;
  payment: {
    status: string;
    authorizedAmountMinor: number | null;
    capturedAmountMinor: number | null;
    action: { type: string; clientSecret: string | null; deadline: string } | null;
    failure: { code: string; message: string } | null;
  };
}

let workers: RunningWorkers;

beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
  const url = `${bed.stack.subgraphUrls.booking!.replace(/\/graphql$/, '')}/webhooks/stripe`;
  await bed.world.control('/webhook_endpoints', { url, secret: stripeWebhookSecret(), connect: false });
});

afterAll(async () => {
  await workers?.stop();
});

/** createBooking with booking's clock five hours before the lesson: sooner than the 24-hour lead. */
/**
 * Books with booking's clock five hours before the lesson. Between creates for the same lesson the
 * clock is left running, so each create happens after the one before it, as in life (the
 * on-session authorisation's idempotency key carries the booking row's creation instant).
 */
async function bookSoon(token: string, startsAt: string, input: Record<string, unknown> = {}) {
  const fiveHoursBefore = Date.parse(startsAt) - 5 * 3_600_000;
  const clock = Date.now() + bed.bookingClockOffsetMs;
  if (clock < fiveHoursBefore || clock > fiveHoursBefore + 3_600_000) bed.bookingClockOffsetMs = fiveHoursBefore - Date.now();
  return bed.stack.graphql(CREATE, {
    token,
    variables: { input: { instructorId: bed.teacher.id, serviceId: bed.pianoId, startsAt, durationMinutes: 60, lessonMode: 'ONLINE', ...input } },
  });
}

const viewOf = async (token: string, id: string) => dataOf<{ booking: View }>(await bed.stack.graphql(BOOKING, { token, variables: { id } })).booking;

async function until(token: string, id: string, done: (view: View) => boolean, what: string): Promise<View> {
  let last: View | undefined;
  try {
    await eventually(
      async () => {
        await bed.bookingModule.payments.sendDue();
        return done((last = await viewOf(token, id)));
      },
      30_000,
      what,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (last: ${JSON.stringify(last)})`);
  }
  return last!;
}

async function intentsOf(id: string) {
  const [row] = await bookingSql<{ stripe_customer_id: string }>(bed.stack, `select stripe_customer_id from booking_payment where booking_id = $1`, [id]);
  return (await bed.world.stripe.paymentIntents.list({ customer: row!.stripe_customer_id, limit: 100 })).data.filter((pi) => pi.metadata.bookingId === id);
}

/** The facts published about a booking (the payment commands it sent itself left out). */
const factsOf = async (id: string) => (await outboxEvents(bed.stack, 'booking', id)).map((e) => e.type).filter((type) => !type.endsWith('-due'));

const bookingsOf = async (student: string) => Number((await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from booking where student_user_id = $1`, [student]))[0]!.n);

describe('a lesson sooner than the lead time is authorised while booking', () => {
  it('a good card: CONFIRMED and AUTHORIZED in the answer, one PaymentIntent, the hold made permanent', async () => {
    const token = await studentToken('student-soon-good');
    const startsAt = at(1, '10:00');
    const { createBooking } = dataOf<{ createBooking: View & { price: { amountMinor: number } } }>(await bookSoon(token, startsAt));
    expect(createBooking).toMatchObject({ status: 'CONFIRMED', paymentStatus: 'AUTHORIZED', confirmedAt: expect.any(String) });
    expect(createBooking.payment).toMatchObject({ status: 'AUTHORIZED', authorizedAmountMinor: createBooking.price.amountMinor, action: null, failure: null });
    const intents = await intentsOf(createBooking.id);
    expect(intents.map((pi) => pi.status)).toEqual(['requires_capture']);
    expect((await factsOf(createBooking.id))).toEqual(['payment.authorized', 'booking.confirmed']);
    await eventually(async () => (await holdOf(createBooking.id))?.status === 'CONFIRMED', 20_000, 'the hold confirmed at availability');
    // Nothing more to do for the scheduler: no second authorisation.
    await bed.bookingModule.payments.sendDue();
    expect(await intentsOf(createBooking.id)).toHaveLength(1);
  });

  it('the bank asks for authentication: REQUESTED with the client secret, the slot kept; the student authenticates and the booking is confirmed', async () => {
    const token = await studentToken('student-soon-3ds');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const startsAt = at(1, '12:00');
    const { createBooking } = dataOf<{ createBooking: View }>(await bookSoon(token, startsAt, { paymentMethodId: card }));
    expect(createBooking).toMatchObject({ status: 'REQUESTED', paymentStatus: 'ACTION_REQUIRED', confirmedAt: null });
    expect(createBooking.payment.action).toMatchObject({ type: 'AUTHENTICATE', clientSecret: expect.stringMatching(/^pi_.+_secret_/) });
    const deadline = Date.parse(createBooking.payment.action!.deadline);
    expect(deadline - (Date.now() + bed.bookingClockOffsetMs)).toBeGreaterThan((WINDOW_SECONDS - 60) * 1000);
    expect(deadline - (Date.now() + bed.bookingClockOffsetMs)).toBeLessThanOrEqual(WINDOW_SECONDS * 1000);
    expect((await holdOf(createBooking.id))?.status).toBe('HELD');

    // Nobody else gets the slot meanwhile.
    const other = await studentToken('student-soon-waits');
    expect(errorOf(await bookSoon(other, startsAt))).toMatchObject({ code: 'CONFLICT' });

    // What Stripe.js does in the student's browser: the bank's challenge, passed.
    const intentId = createBooking.payment.action!.clientSecret!.split('_secret_')[0]!;
    await bed.world.control(`/payment_intents/${intentId}/authenticate`, { outcome: 'succeed' });
    const done = dataOf<{ retryBookingPayment: { status: string; paymentStatus: string } }>(await bed.stack.graphql(RETRY, { token, variables: { bookingId: createBooking.id } }));
    expect(done.retryBookingPayment).toEqual({ status: 'CONFIRMED', paymentStatus: 'AUTHORIZED' });
    const confirmed = await viewOf(token, createBooking.id);
    expect(confirmed).toMatchObject({ status: 'CONFIRMED', paymentStatus: 'AUTHORIZED', confirmedAt: expect.any(String), payment: { action: null } });
    expect((await factsOf(createBooking.id))).toEqual(['payment.action-required', 'payment.authorized', 'booking.confirmed']);
    await eventually(async () => (await holdOf(createBooking.id))?.status === 'CONFIRMED', 20_000, 'the hold confirmed at availability');
    expect((await intentsOf(createBooking.id)).map((pi) => pi.status)).toEqual(['requires_capture']);
  });

  it('authentication completed and only Stripe’s webhook tells: the booking is confirmed all the same', async () => {
    const token = await studentToken('student-soon-webhook');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const { createBooking } = dataOf<{ createBooking: View }>(await bookSoon(token, at(1, '14:00'), { paymentMethodId: card }));
    expect(createBooking.status).toBe('REQUESTED');
    const intentId = createBooking.payment.action!.clientSecret!.split('_secret_')[0]!;
    await bed.world.control(`/payment_intents/${intentId}/authenticate`, { outcome: 'succeed' });
    const confirmed = await until(token, createBooking.id, (v) => v.status === 'CONFIRMED', 'the webhook to confirm the booking');
    expect(confirmed.payment.status).toBe('AUTHORIZED');
  });

  it('authentication never completed: at the window’s end the system cancels, the intent is cancelled and the slot is free again', async () => {
    const token = await studentToken('student-soon-gone');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const startsAt = at(1, '16:00');
    const { createBooking } = dataOf<{ createBooking: View }>(await bookSoon(token, startsAt, { paymentMethodId: card }));
    expect(createBooking.status).toBe('REQUESTED');

    bed.bookingClockOffsetMs += (WINDOW_SECONDS + 30) * 1000;
    const cancelled = await until(token, createBooking.id, (v) => v.status === 'CANCELLED' && v.payment.status === 'FAILED', 'the system to cancel the booking');
    expect(cancelled).toMatchObject({ cancellation: { cancelledBy: 'SYSTEM' }, payment: { capturedAmountMinor: null, action: null, failure: { code: 'payment_not_authorized' } } });
    expect((await intentsOf(createBooking.id)).map((pi) => pi.status)).toEqual(['canceled']);
    expect((await factsOf(createBooking.id))).toEqual(['payment.action-required', 'booking.cancelled', 'payment.failed']);
    await eventually(async () => (await holdOf(createBooking.id)) === undefined, 20_000, 'the slot released at availability');

    const other = await studentToken('student-soon-next');
    expect(dataOf<{ createBooking: View }>(await bookSoon(other, startsAt)).createBooking.status).toBe('CONFIRMED');
  });

  it('the student sees the REQUESTED booking in myBookings and may give it up: cancelled, the intent cancelled, the slot free at once', async () => {
    const token = await studentToken('student-soon-gives-up');
    const card = await bed.cards.cardOf(token, 'pm_card_authenticationRequired');
    const startsAt = at(2, '10:00');
    const { createBooking } = dataOf<{ createBooking: View }>(await bookSoon(token, startsAt, { paymentMethodId: card }));
    expect(createBooking.status).toBe('REQUESTED');
    const mine = dataOf<{ myBookings: { edges: { node: { id: string; status: string } }[] } }>(
      await bed.stack.graphql(`{ myBookings(when: UPCOMING) { edges { node { id status } } } }`, { token }),
    ).myBookings.edges.map((e) => e.node);
    expect(mine).toContainEqual({ id: createBooking.id, status: 'REQUESTED' });
    expect(dataOf<{ cancellationQuote: { chargeMinor: number } }>(await bed.stack.graphql(`query($id: ID!) { cancellationQuote(bookingId: $id) { chargeMinor } }`, { token, variables: { id: createBooking.id } })).cancellationQuote.chargeMinor).toBe(0);

    const cancelled = dataOf<{ cancelBooking: { status: string } }>(await bed.stack.graphql(`mutation($id: ID!) { cancelBooking(id: $id) { status } }`, { token, variables: { id: createBooking.id } }));
    expect(cancelled.cancelBooking.status).toBe('CANCELLED');
    const gone = await until(token, createBooking.id, (v) => v.payment.status === 'VOIDED', 'the intent to be cancelled');
    expect(gone.status).toBe('CANCELLED');
    expect((await intentsOf(createBooking.id)).map((pi) => pi.status)).toEqual(['canceled']);
    await eventually(async () => (await holdOf(createBooking.id)) === undefined, 20_000, 'the slot released at availability');
    const other = await studentToken('student-soon-after-give-up');
    expect(dataOf<{ createBooking: View }>(await bookSoon(other, startsAt)).createBooking.status).toBe('CONFIRMED');
  });

  it('a declined card: PAYMENT_DECLINED, no booking left, the slot free; the same key with a good card books', async () => {
    const token = await studentToken('student-soon-declined');
    const declining = await bed.cards.cardOf(token, 'pm_card_chargeCustomerFail');
    const startsAt = at(1, '18:00');
    const key = 'soon-declined-0001';
    const refused = errorOf(await bookSoon(token, startsAt, { paymentMethodId: declining, idempotencyKey: key }));
    expect(refused).toMatchObject({ code: 'PAYMENT_REQUIRED', reason: 'PAYMENT_DECLINED', details: { declineCode: 'generic_decline' } });
    expect(await bookingsOf('student-soon-declined')).toBe(0);

    const good = await bed.cards.cardOf(token);
    const { createBooking } = dataOf<{ createBooking: View }>(await bookSoon(token, startsAt, { paymentMethodId: good, idempotencyKey: key }));
    expect(createBooking).toMatchObject({ status: 'CONFIRMED', paymentStatus: 'AUTHORIZED' });
    const intents = await intentsOf(createBooking.id);
    expect(intents.map((pi) => pi.status).sort()).toEqual(['canceled', 'requires_capture']);
    expect(await bookingsOf('student-soon-declined')).toBe(1);
  });
});
