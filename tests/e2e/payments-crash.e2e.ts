import { bookingSql, dataOf, eventually, startServiceProcess, startWorkers, type RunningWorkers, type ServiceProcess } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';

/**
 * A booking worker killed (SIGKILL) after Stripe made the PaymentIntent and before the worker
 * committed it: after the restart the lease runs out, the same command goes again with the same
 * idempotency key, and the booking ends with exactly one PaymentIntent, authorised.
 */
const LEASE_SECONDS = 3;
const bed = useMarketplaceTestbed({
  bookingEnv: { PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60), PAYMENT_ACTION_DEADLINE_MINUTES: '60', PAYMENT_LEASE_SECONDS: String(LEASE_SECONDS) },
});

let worker: ServiceProcess | undefined;
let restarted: RunningWorkers | undefined;

afterAll(async () => {
  worker?.kill('SIGKILL');
  await restarted?.stop();
  await bed.world.control('/latency', { ms: 0, after_ms: 0 });
});

it('exactly one PaymentIntent after the worker dies between the Stripe call and its commit', async () => {
  const token = await bed.studentToken('student-crash');
  const startsAt = bed.at(4, '11:00');
  const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt));
  bed.bookingClockOffsetMs = 0;
  // Due now by the worker process's own (real) clock.
  await bookingSql(bed.stack, `update booking_payment set authorize_at = now() where booking_id = $1`, [createBooking.id]);
  const [{ stripe_customer_id: customer }] = (await bookingSql<{ stripe_customer_id: string }>(bed.stack, `select stripe_customer_id from booking_payment where booking_id = $1`, [
    createBooking.id,
  ])) as [{ stripe_customer_id: string }];
  const intents = async () => (await bed.world.stripe.paymentIntents.list({ customer, limit: 100 })).data.filter((pi) => pi.metadata.bookingId === createBooking.id);

  // Stripe answers 20 s after carrying a request out: the worker is killed while it waits.
  await bed.world.control('/latency', { ms: 0, after_ms: 20_000 });
  worker = await startServiceProcess('booking', {
    SERVICE_ROLE: 'worker',
    DATABASE_URL: bed.stack.db.urlFor('booking'),
    KAFKA_TOPIC_PREFIX: bed.stack.deps.booking!.config.kafka.topicPrefix,
    STRIPE_API_BASE: bed.world.url,
    STRIPE_SECRET_KEY: bed.world.key,
    PAYMENT_JOB_INTERVAL_MS: '200',
    PAYMENT_LEASE_SECONDS: String(LEASE_SECONDS),
    PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60),
    PAYMENT_ACTION_DEADLINE_MINUTES: '60',
  });
  await eventually(async () => (await intents()).length === 1, 30_000, 'Stripe to make the PaymentIntent');
  worker.kill('SIGKILL');
  await worker.exited;
  const [before] = await bookingSql<{ status: string; payment_intent_id: string | null }>(bed.stack, `select status, payment_intent_id from booking_payment where booking_id = $1`, [
    createBooking.id,
  ]);
  expect(before).toEqual({ status: 'AUTHORIZING', payment_intent_id: null });

  // Restarted (here in-process): the lease runs out, the command goes again with the same key.
  await bed.world.control('/latency', { ms: 0, after_ms: 0 });
  restarted = await startWorkers([bed.bookingModule.paymentCommandsWorker()]);
  await eventually(
    async () => {
      await bed.bookingModule.payments.sendDue();
      const [row] = await bookingSql<{ status: string }>(bed.stack, `select status from booking_payment where booking_id = $1`, [createBooking.id]);
      return row?.status === 'AUTHORIZED';
    },
    60_000,
    'the payment authorised after the restart',
  );
  const [after] = await bookingSql<{ payment_intent_id: string }>(bed.stack, `select payment_intent_id from booking_payment where booking_id = $1`, [createBooking.id]);
  const made = await intents();
  expect(made).toHaveLength(1);
  expect(made[0]).toMatchObject({ id: after!.payment_intent_id, status: 'requires_capture' });
});
