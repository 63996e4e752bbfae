/** Stripe's side of the instructor service: webhooks signed as Stripe signs them, with the secret the services run with. */
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import type { TestStack } from './gateway-stack';
import { requiredSetting } from './infrastructure';

/** The webhook signing secret the stack's instructor service verifies with (STRIPE_WEBHOOK_SECRET). */
export const stripeWebhookSecret = (): string => requiredSetting('STRIPE_WEBHOOK_SECRET');

/** Signs `payload` with the real SDK's test helper (`timestamp` in seconds, now unless given). */
export function stripeSignature(payload: string, options: { secret?: string; timestamp?: number } = {}): string {
  // The API key is never used: only the webhook helpers are.
  return new Stripe('sk_test_signing_only').webhooks.generateTestHeaderString({ payload, secret: options.secret ?? stripeWebhookSecret(), timestamp: options.timestamp });
}

export interface StripeTestEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  data: { object: Record<string, unknown> };
}

export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}): StripeTestEvent {
  return {
    id: options.id ?? `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    object: 'event',
    type,
    created: options.created ?? Math.floor(Date.now() / 1000),
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

export const identitySessionEvent = (
  status: 'requires_input' | 'processing' | 'verified' | 'canceled',
  session: { id: string; instructorId?: string; lastErrorCode?: string },
  options: { id?: string; created?: number } = {},
) =>
  stripeEvent(
    `identity.verification_session.${status}`,
    {
      id: session.id,
      object: 'identity.verification_session',
      status,
      type: 'document',
      last_error: session.lastErrorCode ? { code: session.lastErrorCode, reason: 'test' } : null,
      metadata: session.instructorId ? { instructorId: session.instructorId } : {},
    },
    options,
  );

export const accountUpdatedEvent = (
  account: { id: string; chargesEnabled: boolean; payoutsEnabled?: boolean; detailsSubmitted?: boolean },
  options: { id?: string; created?: number } = {},
) =>
  stripeEvent(
    'account.updated',
    {
      id: account.id,
      object: 'account',
      charges_enabled: account.chargesEnabled,
      payouts_enabled: account.payoutsEnabled ?? account.chargesEnabled,
      details_submitted: account.detailsSubmitted ?? true,
      metadata: {},
    },
    options,
  );

export function webhookUrl(stack: TestStack): string {
  return stack.subgraphUrls.instructor!.replace(/\/graphql$/, '/webhooks/stripe');
}

/**
 * POSTs a webhook signed like Stripe signs it. `secret` and `timestamp` (seconds) can be
 * overridden to forge or age it; `body` to send bytes other than the ones signed.
 */
export async function sendWebhook(
  stack: TestStack,
  event: StripeTestEvent,
  options: { secret?: string; timestamp?: number; body?: string; signature?: string | null } = {},
): Promise<{ status: number; body: { outcome?: string; error?: string } }> {
  const payload = JSON.stringify(event);
  const signature = options.signature === undefined ? stripeSignature(payload, options) : options.signature;
  const response = await fetch(webhookUrl(stack), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'stripe-signature': signature } : {}) },
    body: options.body ?? payload,
  });
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: string } };
}
