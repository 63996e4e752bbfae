import { bookingSql, dataOf, errorOf, eventually, outboxEvents, startWorkers, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';
import { paymentReaches } from '../support/payments';

/**
 * The cancellation policy through the gateway, against the Stripe emulator: cancellationQuote
 * shows what a cancellation now would charge before anyone cancels, and cancelBooking applies the
 * same — an authorisation voided, or captured for the policy's share with the platform fee
 * prorated; the version in force when the lesson was booked applies after the policy changed.
 */
const bed = useMarketplaceTestbed({ bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60' } });
const { at, studentToken } = bed;

const QUOTE = `query($id: ID!) { cancellationQuote(bookingId: $id) { bookingId cancelledBy policyVersion hoursBeforeStart chargeBps chargeMinor instructorShareMinor platformFeeMinor releasedMinor creditMinor currency } }`;
const CANCEL = `mutation($id: ID!) { cancelBooking(id: $id) { id status paymentStatus } }`;
const PAYMENT = `query($id: ID!) { booking(id: $id) { status payment { status platformFeeMinor authorizedAmountMinor capturedAmountMinor } } }`;

interface Quote {
  bookingId: string;
  cancelledBy: string;
  policyVersion: number;
  hoursBeforeStart: number;
  chargeBps: number;
  chargeMinor: number;
  instructorShareMinor: number;
  platformFeeMinor: number;
  releasedMinor: number;
  creditMinor: number;
  currency: string;
}

let workers: RunningWorkers;
beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
});
afterAll(async () => {
  await workers?.stop();
});

const MIN = 60_000;
const H = 3_600_000;
const quote = async (token: string, id: string) => dataOf<{ cancellationQuote: Quote }>(await bed.stack.graphql(QUOTE, { token, variables: { id } })).cancellationQuote;
const paymentOf = async (token: string, id: string) =>
  dataOf<{ booking: { status: string; payment: { status: string; platformFeeMinor: number; authorizedAmountMinor: number | null; capturedAmountMinor: number | null } } }>(
    await bed.stack.graphql(PAYMENT, { token, variables: { id } }),
  ).booking;

/** Books ahead of the 7-day lead and waits until the scheduled authorisation is made. */
async function authorizedBooking(token: string, startsAt: string): Promise<BookingView> {
  const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
  await eventually(async () => (await bed.bookingModule.payments.sendDue(), (await paymentOf(token, createBooking.id)).payment.status === 'AUTHORIZED'), 30_000, 'authorised');
  return createBooking;
}

/** Booking's clock `msBefore` the lesson's start. */
const before = (startsAt: string, msBefore: number) => (bed.bookingClockOffsetMs = Date.parse(startsAt) - msBefore - Date.now());

const settles = (token: string, id: string, status: string) => paymentReaches(bed.bookingModule, () => paymentOf(token, id), status);

async function intentOf(id: string) {
  const [row] = await bookingSql<{ payment_intent_id: string }>(bed.stack, `select payment_intent_id from booking_payment where booking_id = $1`, [id]);
  return bed.world.stripe.paymentIntents.retrieve(row!.payment_intent_id);
}

describe('the cancellation policy, quoted and applied', () => {
  it('quotes each tier at its boundaries, and a student cancelling 18 h before is charged half, the fee prorated, the rest released', async () => {
    const token = await studentToken('student-cancels-late');
    const startsAt = at(2, '10:00');
    const booking = await authorizedBooking(token, startsAt);
    const price = booking.price.amountMinor;

    const shares: [number, number][] = [
      [24 * H + MIN, 0],
      [24 * H - MIN, 5000],
      [12 * H + MIN, 5000],
      [12 * H - MIN, 10_000],
    ];
    for (const [msBefore, bps] of shares) {
      before(startsAt, msBefore);
      expect((await quote(token, booking.id)).chargeBps).toBe(bps);
    }
    // Quoting wrote nothing.
    expect((await paymentOf(token, booking.id)).payment.status).toBe('AUTHORIZED');

    before(startsAt, 18 * H);
    const fee = (await paymentOf(token, booking.id)).payment.platformFeeMinor;
    const half = Math.floor((price * 5000 + 5000) / 10_000);
    const proratedFee = Math.floor((fee * half * 2 + price) / (2 * price));
    const terms = await quote(token, booking.id);
    expect(terms).toEqual({
      bookingId: booking.id,
      cancelledBy: 'STUDENT',
      policyVersion: 1,
      hoursBeforeStart: 18,
      chargeBps: 5000,
      chargeMinor: half,
      platformFeeMinor: proratedFee,
      instructorShareMinor: half - proratedFee,
      releasedMinor: price - half,
      creditMinor: 0,
      currency: 'USD',
    });
    // The instructor sees the quote as the canceller they would be: nothing charged, a goodwill credit of 10 % to the student.
    expect(await quote(bed.teacher.token, booking.id)).toMatchObject({ cancelledBy: 'INSTRUCTOR', chargeMinor: 0, releasedMinor: price, creditMinor: Math.floor((price * 1000 + 5000) / 10_000) });

    expect(dataOf<{ cancelBooking: { status: string; paymentStatus: string } }>(await bed.stack.graphql(CANCEL, { token, variables: { id: booking.id } })).cancelBooking).toEqual({
      id: booking.id,
      status: 'CANCELLED',
      paymentStatus: 'CAPTURING',
    });
    const captured = await settles(token, booking.id, 'CAPTURED');
    expect(captured).toMatchObject({ status: 'CANCELLED', payment: { capturedAmountMinor: half } });
    const intent = await intentOf(booking.id);
    expect(intent).toMatchObject({ status: 'succeeded', amount_received: half, application_fee_amount: proratedFee });
    const types = (await outboxEvents(bed.stack, 'booking', booking.id)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['booking.cancelled', 'payment.captured']));
    expect(types).not.toContain('payment.voided');
  });

  it('a student cancelling a day and more before, or an instructor at any time, is charged nothing: the authorisation is voided', async () => {
    const early = await studentToken('student-cancels-early');
    const startsAt = at(3, '10:00');
    const first = await authorizedBooking(early, startsAt);
    before(startsAt, 24 * H + MIN);
    expect(await quote(early, first.id)).toMatchObject({ chargeMinor: 0, releasedMinor: first.price.amountMinor });
    dataOf(await bed.stack.graphql(CANCEL, { token: early, variables: { id: first.id } }));
    await settles(early, first.id, 'VOIDED');
    expect((await intentOf(first.id)).status).toBe('canceled');

    const other = await studentToken('student-teacher-cancels');
    const second = await authorizedBooking(other, at(3, '14:00'));
    before(at(3, '14:00'), 2 * H);
    dataOf(await bed.stack.graphql(CANCEL, { token: bed.teacher.token, variables: { id: second.id } }));
    const voided = await settles(other, second.id, 'VOIDED');
    expect(voided.payment.capturedAmountMinor).toBeNull();
    // The student whose instructor cancelled receives the goodwill credit, once.
    const credits = dataOf<{ myCredits: { balanceMinor: number; lots: { source: string; grantedMinor: number }[] } }>(
      await bed.stack.graphql(`{ myCredits { balanceMinor lots { source grantedMinor } } }`, { token: other }),
    ).myCredits;
    const goodwill = Math.floor((second.price.amountMinor * 1000 + 5000) / 10_000);
    expect(credits).toEqual({ balanceMinor: goodwill, lots: [{ source: 'GOODWILL', grantedMinor: goodwill }] });
    // The early student cancelled themself: no credit.
    expect(dataOf<{ myCredits: { balanceMinor: number } }>(await bed.stack.graphql(`{ myCredits { balanceMinor } }`, { token: early })).myCredits.balanceMinor).toBe(0);
  });

  it('refuses a quote to strangers, the signed-out, and once the lesson started', async () => {
    const token = await studentToken('student-quote-refusals');
    const startsAt = at(4, '10:00');
    const booking = await authorizedBooking(token, startsAt);
    const stranger = await studentToken('student-quote-stranger');
    expect(errorOf(await bed.stack.graphql(QUOTE, { token: stranger, variables: { id: booking.id } }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await bed.stack.graphql(QUOTE, { variables: { id: booking.id } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await bed.stack.graphql(QUOTE, { token, variables: { id: 'nope' } }))).toMatchObject({ code: 'NOT_FOUND' });
    before(startsAt, -MIN);
    expect(errorOf(await bed.stack.graphql(QUOTE, { token, variables: { id: booking.id } }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_ALREADY_STARTED' });
  });

  it('applies the policy version in force when the lesson was booked, after the policy changed', async () => {
    const token = await studentToken('student-old-policy');
    const startsAt = at(5, '10:00');
    const old = await authorizedBooking(token, startsAt);
    // A stricter version 2: the whole price within 48 hours.
    await bookingSql(bed.stack, `insert into cancellation_policy (version, tiers) values (2, '[{"minHoursBefore": 48, "chargeBps": 0}, {"minHoursBefore": 0, "chargeBps": 10000}]')`);
    const fresh = await authorizedBooking(token, at(5, '14:00'));
    before(startsAt, 30 * H);
    expect(await quote(token, old.id)).toMatchObject({ policyVersion: 1, chargeBps: 0, chargeMinor: 0 });
    before(at(5, '14:00'), 30 * H);
    expect(await quote(token, fresh.id)).toMatchObject({ policyVersion: 2, chargeBps: 10_000, chargeMinor: fresh.price.amountMinor });

    before(startsAt, 30 * H);
    dataOf(await bed.stack.graphql(CANCEL, { token, variables: { id: old.id } }));
    await settles(token, old.id, 'VOIDED');
  });
});
