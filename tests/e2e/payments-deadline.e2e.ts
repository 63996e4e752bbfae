import { bookingSql, dataOf, eventually, outboxEvents, startWorkers, type RunningWorkers } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * A card that keeps being declined softly: retried with backoff, then left to the student; still
 * unresolved at the deadline, the booking is cancelled by the system, the slot is bookable again
 * and nothing was ever captured. And many bookings due at once: each authorised exactly once.
 */
const bed = useMarketplaceTestbed({
  bookingEnv: {
    PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60),
    PAYMENT_ACTION_DEADLINE_MINUTES: '60',
    PAYMENT_RETRY_BASE_SECONDS: '1',
    PAYMENT_SOFT_DECLINE_RETRIES: '2',
  },
});
const { at, studentToken, holdOf } = bed;

const PAYMENT = `query($id: ID!) { booking(id: $id) { id status cancellation { cancelledBy } payment { status capturedAmountMinor failure { code } action { type } } } }`;

interface View {
  status: string;
  cancellation: { cancelledBy: string } | null;
  payment: { status: string; capturedAmountMinor: number | null; failure: { code: string } | null; action: { type: string } | null };
}

let workers: RunningWorkers;
beforeAll(async () => {
  workers = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
});
afterAll(async () => {
  await workers?.stop();
});

function book(token: string, startsAt: string, overrides: Record<string, unknown> = {}) {
  bed.bookingClockOffsetMs = Date.parse(startsAt) - 3 * 86_400_000 - Date.now();
  return bed.book(token, startsAt, overrides);
}

const viewOf = async (token: string, id: string) => dataOf<{ booking: View }>(await bed.stack.graphql(PAYMENT, { token, variables: { id } })).booking;

async function until(token: string, id: string, done: (view: View) => boolean, what: string): Promise<View> {
  let last: View | undefined;
  await eventually(
    async () => {
      await bed.bookingModule.payments.sendDue();
      last = await viewOf(token, id);
      return done(last);
    },
    30_000,
    `${what} (last: ${JSON.stringify(last)})`,
  );
  return last!;
}

it('soft declines are retried, then the student is asked; unresolved at the deadline the system cancels and frees the slot', async () => {
  const token = await studentToken('student-insufficient');
  const card = await bed.cards.cardOf(token, 'pm_card_chargeDeclinedInsufficientFunds');
  const startsAt = at(2, '09:00');
  const { createBooking } = dataOf<{ createBooking: BookingView }>(await book(token, startsAt, { paymentMethodId: card }));
  const asked = await until(token, createBooking.id, (v) => v.payment.status === 'ACTION_REQUIRED', 'the student asked for another card');
  expect(asked.payment).toMatchObject({ action: { type: 'NEW_PAYMENT_METHOD' }, failure: { code: 'insufficient_funds' } });
  // One PaymentIntent, tried three times (the first try and two retries), never a second one.
  const [row] = await bookingSql<{ stripe_customer_id: string; attempt: number }>(bed.stack, `select stripe_customer_id, attempt from booking_payment where booking_id = $1`, [createBooking.id]);
  expect(row!.attempt).toBe(3);
  const intents = (await bed.world.stripe.paymentIntents.list({ customer: row!.stripe_customer_id })).data.filter((pi) => pi.metadata.bookingId === createBooking.id);
  expect(intents.map((pi) => pi.status)).toEqual(['requires_payment_method']);

  // The deadline (start − 60 min) passes with nothing done.
  bed.bookingClockOffsetMs = Date.parse(startsAt) - 30 * 60_000 - Date.now();
  const cancelled = await until(token, createBooking.id, (v) => v.status === 'CANCELLED' && v.payment.status === 'FAILED', 'the system to cancel the booking');
  expect(cancelled).toMatchObject({ cancellation: { cancelledBy: 'SYSTEM' }, payment: { capturedAmountMinor: null, failure: { code: 'payment_not_authorized' } } });
  expect((await outboxEvents(bed.stack, 'booking', createBooking.id)).map((e) => e.type)).toEqual(
    expect.arrayContaining(['booking.confirmed', 'payment.action-required', 'booking.cancelled', 'payment.failed']),
  );
  await eventually(async () => (await holdOf(createBooking.id)) === undefined, 20_000, 'the slot released at availability');
  bed.bookingClockOffsetMs = 0;
  const other = await studentToken('student-takes-the-slot');
  expect(dataOf<{ createBooking: BookingView }>(await bed.book(other, startsAt)).createBooking.status).toBe('CONFIRMED');
});

it('many bookings due at once are each authorised exactly once', async () => {
  const count = 24;
  const ids: string[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const token = await studentToken(`student-batch-${i}`);
    // Lessons 90 minutes apart (availability keeps a buffer after each), eight a day.
    const minutes = 8 * 60 + (i % 8) * 90;
    const slot = at(3 + Math.floor(i / 8), `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`);
    bed.bookingClockOffsetMs = 0;
    ids.push(dataOf<{ createBooking: BookingView }>(await bed.book(token, slot)).createBooking.id);
    tokens.push(token);
  }
  // Booking's clock three days before the first lesson: every authorisation is due now.
  bed.bookingClockOffsetMs = Date.parse(at(3, '08:00')) - 3 * 86_400_000 - Date.now();
  await Promise.all([bed.bookingModule.payments.sendDue(), bed.bookingModule.payments.sendDue()]);
  await eventually(
    async () => {
      await bed.bookingModule.payments.sendDue();
      const rows = await bookingSql<{ n: string }>(bed.stack, `select count(*) as n from booking_payment where booking_id = any($1::uuid[]) and status = 'AUTHORIZED'`, [ids]);
      return Number(rows[0]!.n) === count;
    },
    60_000,
    'every booking authorised',
  );
  const [row] = await bookingSql<{ n: string }>(bed.stack, `select count(distinct payment_intent_id) as n from booking_payment where booking_id = any($1::uuid[])`, [ids]);
  expect(Number(row!.n)).toBe(count);
  const all = await bed.world.stripe.paymentIntents.list({ limit: 100 });
  const ofBatch = all.data.filter((pi) => ids.includes(pi.metadata.bookingId ?? ''));
  expect(ofBatch).toHaveLength(count);
  expect(new Set(ofBatch.map((pi) => pi.metadata.bookingId)).size).toBe(count);
});
