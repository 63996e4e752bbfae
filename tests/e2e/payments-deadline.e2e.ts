import {
  bookingSql,
  dataOf,
  eventually,
  liveInstructor,
  outboxEvents,
  publishWeek,
  startWorkers,
  waitForReadModel,
  type RunningWorkers,
} from '@instainstru/test-harness';
import { useMarketplaceTestbed, WHOLE_DAYS, type BookingView } from '../support/booking';
import { payableInstructors } from '../support/payments';

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

const book = (token: string, startsAt: string, overrides: Record<string, unknown> = {}) => bed.bookDue(token, startsAt, overrides);

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

/** Another live piano teacher, payable, with the testbed's week published (08:00–20:00 every day). */
async function anotherTeacher(n: number): Promise<string> {
  const teacher = await liveInstructor(bed.stack, { sub: `teacher-batch-${n}-${Date.now()}`, displayName: `Batch Teacher ${n}`, serviceId: bed.pianoId, ageGroups: ['ADULTS'] });
  await bed.liveInBooking(teacher.id, true);
  await payableInstructors(bed.world, bed.bookingModule, [teacher.id]);
  await waitForReadModel(bed.stack, 'availability', teacher.id);
  await publishWeek(bed.stack, teacher.token, teacher.id, bed.monday.toISODate()!, WHOLE_DAYS);
  return teacher.id;
}

/** Runs `work` on every item, at most `concurrency` at a time; the answers in the items' order. */
async function inPool<T, R>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  const runner = async () => {
    for (let i = next++; i < items.length; i = next++) answers[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, runner));
  return answers;
}

it('many bookings due at once are each authorised exactly once', async () => {
  const count = 200;
  // Every lesson of the batch falls within one authorisation lead (7 days): days 1 and 3–7 of the
  // published week (day 2 is the first test's), 60-minute lessons 75 minutes apart (the lesson
  // plus availability's 15-minute buffer), nine a day from 08:00 to the 18:00 lesson: 54 per
  // teacher, so four teachers.
  const teachers = [bed.teacher.id, ...(await Promise.all([1, 2, 3].map(anotherTeacher)))];
  const lessons: { instructorId: string; startsAt: string }[] = [];
  for (const day of [1, 3, 4, 5, 6, 7]) {
    for (let k = 0; k < 9; k += 1) {
      const minutes = 8 * 60 + k * 75;
      const hhmm = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      for (const instructorId of teachers) lessons.push({ instructorId, startsAt: at(day, hhmm) });
    }
  }
  lessons.splice(count);
  // Twenty-five students, eight lessons each (under the limit of upcoming bookings per student).
  const tokens = await Promise.all(Array.from({ length: 25 }, (_, i) => studentToken(`student-batch-${i}`)));
  bed.bookingClockOffsetMs = 0;
  // Through the gateway, a few at a time (each pays with the student's saved card).
  const ids = await inPool(lessons, 8, async ({ instructorId, startsAt }, i) => {
    const result = await bed.book(tokens[i % tokens.length]!, startsAt, { instructorId });
    const { createBooking } = dataOf<{ createBooking: BookingView }>(result);
    expect(createBooking.status).toBe('CONFIRMED');
    return createBooking.id;
  });
  expect(new Set(ids).size).toBe(count);
  // Booking's clock two hours before the first lesson: every authorisation is due now.
  bed.bookingClockOffsetMs = Date.parse(at(1, '06:00')) - Date.now();
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
  // Every PaymentIntent of the world, page after page (100 a page).
  const all = await bed.world.stripe.paymentIntents.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const batch = new Set(ids);
  const ofBatch = all.filter((pi) => batch.has(pi.metadata.bookingId ?? ''));
  expect(ofBatch).toHaveLength(count);
  expect(new Set(ofBatch.map((pi) => pi.metadata.bookingId)).size).toBe(count);
}, 120_000);
