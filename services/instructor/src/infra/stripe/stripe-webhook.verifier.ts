import type Stripe from 'stripe';
import type { PaymentProviderNotification } from '../../domain/instructor.ports';

export class InvalidWebhookError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidWebhookError';
  }
}

const IDENTITY_STATUSES = new Set(['requires_input', 'processing', 'verified', 'canceled']);

/**
 * Verifies a Stripe webhook against the raw request body (signature and timestamp tolerance, via
 * the SDK's constructEvent) and reduces it to what the domain acts on.
 */
export class StripeWebhookVerifier {
  constructor(
    private readonly stripe: Stripe,
    private readonly secret: string,
    private readonly toleranceSeconds: number,
  ) {}

  verify(rawBody: Buffer, signature: string | undefined): PaymentProviderNotification {
    if (!signature) throw new InvalidWebhookError('missing Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.secret, this.toleranceSeconds);
    } catch (error) {
      throw new InvalidWebhookError(error instanceof Error ? error.message : 'invalid signature');
    }
    return toNotification(event);
  }
}

/** Pure mapping from a verified Stripe event to the domain's notification. */
export function toNotification(event: Stripe.Event): PaymentProviderNotification {
  const base = { eventId: event.id, type: event.type, createdAt: new Date(event.created * 1000) };
  if (event.type.startsWith('identity.verification_session.') && event.type !== 'identity.verification_session.redacted') {
    const session = event.data.object as Stripe.Identity.VerificationSession;
    if (IDENTITY_STATUSES.has(session.status)) {
      return {
        ...base,
        kind: 'identity-session',
        sessionId: session.id,
        status: session.status as 'requires_input' | 'processing' | 'verified' | 'canceled',
        lastErrorCode: session.last_error?.code ?? null,
        instructorId: session.metadata?.instructorId ?? null,
      };
    }
  }
  if (event.type === 'account.updated') {
    const account = event.data.object as Stripe.Account;
    return {
      ...base,
      kind: 'connect-account',
      accountId: account.id,
      chargesEnabled: account.charges_enabled === true,
      payoutsEnabled: account.payouts_enabled === true,
      detailsSubmitted: account.details_submitted === true,
      instructorId: account.metadata?.instructorId ?? null,
    };
  }
  return { ...base, kind: 'other' };
}
