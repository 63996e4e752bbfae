import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, Stripe, webhookDelivery, type HttpRouteHandler, type Logger } from '@instainstru/platform';
import type { Payments } from '../domain/payments.service';
import type { PaymentRepository } from '../domain/payment.ports';
import type { InstructorPayouts } from '../domain/payouts.service';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
const MAX_WEBHOOK_BYTES = 512 * 1024;

/** The PaymentIntent events that can move a booking's payment; the payment is re-read from Stripe, never taken from the event. */
const INTENT_EVENTS = new Set([
  'payment_intent.amount_capturable_updated',
  'payment_intent.succeeded',
  'payment_intent.canceled',
  'payment_intent.payment_failed',
  'charge.expired',
  'charge.captured',
]);

/** Payout events of instructors' Connect accounts (the Connect endpoint): the payout is re-read from Stripe on the account. */
const PAYOUT_EVENTS = new Set(['payout.created', 'payout.updated', 'payout.paid', 'payout.failed', 'payout.canceled']);

export interface StripeWebhookRouteDeps {
  /** The platform endpoint's secret, then the Connect endpoint's (Stripe signs each endpoint's deliveries with its own). */
  secrets: string[];
  toleranceSeconds: number;
  payments: Payments;
  payouts: InstructorPayouts;
  repository: PaymentRepository;
  logger: Logger;
}

function intentIdOf(object: Record<string, unknown>): string | null {
  if (object.object === 'payment_intent' && typeof object.id === 'string') return object.id;
  const pi = object.payment_intent;
  return typeof pi === 'string' ? pi : null;
}

/**
 * POST /webhooks/stripe: the signature is checked on the raw body (with the timestamp tolerance),
 * the event deduplicated by id, and the payment (or, from the Connect endpoint, the instructor's
 * payout) it names re-read from Stripe and applied by its
 * current state, so duplicates, reordering and late events change nothing wrong. 400 for a body
 * that is not a signed Stripe event; 200 once handled (or ignored); 5xx otherwise, so Stripe retries.
 */
export function stripeWebhookRoute(deps: StripeWebhookRouteDeps): HttpRouteHandler {
  const verifier = new Stripe('sk_webhooks_only');
  return async (req: IncomingMessage, res: ServerResponse) => {
    const delivery = await webhookDelivery(req, res, 'stripe-signature', MAX_WEBHOOK_BYTES);
    if (!delivery) return;
    let event: Stripe.Event | null = null;
    let reason = 'no secret';
    for (const secret of new Set(deps.secrets)) {
      try {
        event = verifier.webhooks.constructEvent(delivery.body, delivery.signature ?? '', secret, deps.toleranceSeconds);
        break;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
    }
    if (!event) {
      deps.logger.warn({ reason }, 'refused a Stripe webhook');
      return sendJson(res, 400, { error: 'invalid signature' });
    }
    if (typeof event.id !== 'string' || !/^evt_[A-Za-z0-9_]{1,250}$/.test(event.id) || typeof event.type !== 'string' || typeof event.data?.object !== 'object') {
      return sendJson(res, 400, { error: 'malformed event' });
    }
    const object = event.data.object as unknown as Record<string, unknown>;
    if (PAYOUT_EVENTS.has(event.type) && typeof event.account === 'string' && typeof object.id === 'string') {
      if (await deps.repository.providerEventSeen(event.id)) return sendJson(res, 200, { received: true, outcome: 'duplicate' });
      const outcome = await deps.payouts.applyProviderPayout(event.account, object.id);
      await deps.repository.rememberProviderEvent(event.id, event.type);
      deps.logger.info({ eventId: event.id, type: event.type, account: event.account, payoutId: object.id, outcome }, 'Stripe webhook');
      return sendJson(res, 200, { received: true, outcome });
    }
    const intentId = INTENT_EVENTS.has(event.type) ? intentIdOf(object) : null;
    if (!intentId) return sendJson(res, 200, { received: true, outcome: 'ignored' });
    if (await deps.repository.providerEventSeen(event.id)) return sendJson(res, 200, { received: true, outcome: 'duplicate' });
    const outcome = await deps.payments.applyIntent(intentId);
    // Remembered once applied: a failure before this point is retried by Stripe and applied then.
    await deps.repository.rememberProviderEvent(event.id, event.type);
    deps.logger.info({ eventId: event.id, type: event.type, intentId, outcome }, 'Stripe webhook');
    sendJson(res, 200, { received: true, outcome });
  };
}
