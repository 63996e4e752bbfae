import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, Stripe, webhookDelivery, type HttpRouteHandler, type Logger } from '@instainstru/platform';
import type { Payments } from '../domain/payments.service';
import type { PaymentRepository } from '../domain/payment.ports';

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

export interface StripeWebhookRouteDeps {
  secret: string;
  toleranceSeconds: number;
  payments: Payments;
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
 * the event deduplicated by id, and the payment it names re-read from Stripe and applied by its
 * current state, so duplicates, reordering and late events change nothing wrong. 400 for a body
 * that is not a signed Stripe event; 200 once handled (or ignored); 5xx otherwise, so Stripe retries.
 */
export function stripeWebhookRoute(deps: StripeWebhookRouteDeps): HttpRouteHandler {
  const verifier = new Stripe('sk_webhooks_only');
  return async (req: IncomingMessage, res: ServerResponse) => {
    const delivery = await webhookDelivery(req, res, 'stripe-signature', MAX_WEBHOOK_BYTES);
    if (!delivery) return;
    let event: Stripe.Event;
    try {
      event = verifier.webhooks.constructEvent(delivery.body, delivery.signature ?? '', deps.secret, deps.toleranceSeconds);
    } catch (error) {
      deps.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'refused a Stripe webhook');
      return sendJson(res, 400, { error: 'invalid signature' });
    }
    if (typeof event.id !== 'string' || !/^evt_[A-Za-z0-9_]{1,250}$/.test(event.id) || typeof event.type !== 'string' || typeof event.data?.object !== 'object') {
      return sendJson(res, 400, { error: 'malformed event' });
    }
    const intentId = INTENT_EVENTS.has(event.type) ? intentIdOf(event.data.object as unknown as Record<string, unknown>) : null;
    if (!intentId) return sendJson(res, 200, { received: true, outcome: 'ignored' });
    if (await deps.repository.providerEventSeen(event.id)) return sendJson(res, 200, { received: true, outcome: 'duplicate' });
    const outcome = await deps.payments.applyIntent(intentId);
    // Remembered once applied: a failure before this point is retried by Stripe and applied then.
    await deps.repository.rememberProviderEvent(event.id, event.type);
    deps.logger.info({ eventId: event.id, type: event.type, intentId, outcome }, 'Stripe webhook');
    sendJson(res, 200, { received: true, outcome });
  };
}
