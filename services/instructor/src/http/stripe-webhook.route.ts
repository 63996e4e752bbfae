import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, webhookDelivery, type HttpRouteHandler, type Logger } from '@instainstru/platform';
import type { PaymentProviderNotification } from '../domain/instructor.ports';
import type { NotificationOutcome } from '../domain/provider-notifications.service';
import { InvalidWebhookError } from '../infra/stripe/stripe-webhook.verifier';

export const STRIPE_WEBHOOK_PATH = '/webhooks/stripe';
const MAX_WEBHOOK_BYTES = 512 * 1024;

export interface StripeWebhookRouteDeps {
  verify(rawBody: Buffer, signature: string | undefined): PaymentProviderNotification;
  apply(notification: PaymentProviderNotification): Promise<NotificationOutcome>;
  logger: Logger;
}

/**
 * POST /webhooks/stripe: verify the signature over the raw body, then hand the event to the domain.
 * 400 for anything unverifiable, `invalid signature` (also a timestamp outside the tolerance, past or
 * future) or `malformed event` (signed, but not a well-formed event: not JSON, no id/type/created, an
 * oversized id, an object of the wrong shape for its type); nothing is written then. 200 once
 * applied, or recognised as a duplicate, stale or irrelevant event; 5xx otherwise, so Stripe retries.
 */
export function stripeWebhookRoute(deps: StripeWebhookRouteDeps): HttpRouteHandler {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const delivery = await webhookDelivery(req, res, 'stripe-signature', MAX_WEBHOOK_BYTES);
    if (!delivery) return;
    let notification: PaymentProviderNotification;
    try {
      notification = deps.verify(delivery.body, delivery.signature);
    } catch (error) {
      if (!(error instanceof InvalidWebhookError)) throw error;
      deps.logger.warn({ refusal: error.kind, reason: error.message }, 'refused a Stripe webhook');
      return sendJson(res, 400, { error: error.kind === 'signature' ? 'invalid signature' : 'malformed event' });
    }
    const outcome = await deps.apply(notification);
    deps.logger.info({ eventId: notification.eventId, type: notification.type, outcome }, 'Stripe webhook');
    sendJson(res, 200, { received: true, outcome });
  };
}
