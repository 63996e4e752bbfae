import { PaymentEventType, type EventPayload } from '@instainstru/events';
import { eventConsumerWorker, periodicJob, type Logger, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { Payments } from '../domain/payments.service';
import type { InstructorPayouts } from '../domain/payouts.service';

/** Sends due payment commands (authorisations, retries, expired leases) and cancels bookings left unpaid at their deadline. */
export function paymentSchedulerJob(payments: Payments, intervalMs: number, logger: Logger): Worker {
  return periodicJob('payment-scheduler', intervalMs, logger, () => payments.sendDue());
}

/**
 * Compares payments and payouts untouched for `afterSeconds` with Stripe and repairs drift (a lost
 * webhook), and sends payout requests whose Stripe call never came back again with the same key.
 */
export function paymentReconciliationJob(payments: Payments, payouts: InstructorPayouts, afterSeconds: number, logger: Logger): Worker {
  return periodicJob('payment-reconciliation', Math.max(10_000, (afterSeconds * 1000) / 3), logger, async () => ({
    payments: await payments.reconcile(afterSeconds * 1000),
    payouts: await payouts.reconcile(afterSeconds * 1000),
  }));
}

/**
 * The payments worker: consumes the booking service's own payment commands from Kafka and makes
 * one Stripe call for each, outside any transaction (effect handlers: each is idempotent by the
 * payment's status and its idempotency key, and recorded in the inbox only once it finished).
 */
export function paymentCommandsWorker(deps: ServiceDeps, payments: Payments, concurrency: number): Worker {
  return eventConsumerWorker(deps, {
    name: 'payment-commands',
    group: 'booking.payment-commands',
    handlers: {},
    effects: {
      [PaymentEventType.AuthorizationDue]: (event) => {
        const payload = event.payload as EventPayload<'payment.authorization-due'>;
        return payments.authorize(payload.bookingId, payload.attempt);
      },
      [PaymentEventType.CaptureDue]: (event) => payments.capture((event.payload as EventPayload<'payment.capture-due'>).bookingId),
      [PaymentEventType.VoidDue]: (event) => payments.void((event.payload as EventPayload<'payment.void-due'>).bookingId),
      [PaymentEventType.RefundDue]: (event) => payments.refundDue((event.payload as EventPayload<'payment.refund-due'>).bookingId),
    },
    concurrency,
    partitions: Math.max(3, concurrency),
  });
}
