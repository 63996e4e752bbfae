import Stripe from 'stripe';
import { z } from 'zod';
import type { PaymentProviderNotification } from '../../domain/instructor.ports';

/** Why a webhook is refused: not signed by Stripe (or not now), or signed but not an event this service can read. */
export type WebhookRefusal = 'signature' | 'malformed';

export class InvalidWebhookError extends Error {
  constructor(
    readonly kind: WebhookRefusal,
    reason: string,
  ) {
    super(reason);
    this.name = 'InvalidWebhookError';
  }
}

const IDENTITY_STATUSES = new Set(['requires_input', 'processing', 'verified', 'canceled']);

/** The last second of the year 9999: beyond it `created` is no date at all. */
const MAX_UNIX_SECONDS = 253_402_300_799;

/** Stripe's own ids are short (`evt_…`); anything longer is refused before it is stored. */
const stripeEvent = z.object({
  id: z.string().max(255).regex(/^evt_[A-Za-z0-9_]+$/, 'not a Stripe event id'),
  type: z.string().max(255).regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*$/, 'not a Stripe event type'),
  created: z.number().int().positive().max(MAX_UNIX_SECONDS),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const objectId = z.string().min(1).max(255);
const metadata = z.record(z.string(), z.string()).nullish();

const identitySession = z.object({
  id: objectId,
  status: z.string().max(64),
  last_error: z.object({ code: z.string().max(255).nullish() }).nullish(),
  metadata,
});

const connectAccount = z.object({
  id: objectId,
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
  details_submitted: z.boolean(),
  metadata,
});

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[what, ...i.path].join('.')}: ${i.message}`).join('; ');
  throw new InvalidWebhookError('malformed', problems.slice(0, 500));
}

/** The signing time of a header Stripe's SDK accepted (the last `t=`, as the SDK reads it). */
function signedAt(header: string): number {
  let timestamp = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') timestamp = Number.parseInt(value ?? '', 10);
  }
  return timestamp;
}

/**
 * Verifies a Stripe webhook against the raw request body (signature, and a timestamp no further
 * than the tolerance from now in either direction), then reads it into what the domain acts on.
 * Only a well-formed event gets through: a signed body of the wrong shape never reaches the database.
 */
export class StripeWebhookVerifier {
  constructor(
    private readonly stripe: Stripe,
    private readonly secret: string,
    private readonly toleranceSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  verify(rawBody: Buffer, signature: string | undefined): PaymentProviderNotification {
    if (!signature) throw new InvalidWebhookError('signature', 'missing Stripe-Signature header');
    let event: unknown;
    try {
      // Checks the signature and that it is not older than the tolerance, then parses the JSON.
      event = this.stripe.webhooks.constructEvent(rawBody, signature, this.secret, this.toleranceSeconds, undefined, this.now());
    } catch (error) {
      if (error instanceof Stripe.errors.StripeSignatureVerificationError) throw new InvalidWebhookError('signature', error.message);
      throw new InvalidWebhookError('malformed', 'the signed body is not a JSON event');
    }
    // The SDK lets a timestamp from the future through; such a signature would stay usable for long.
    if (signedAt(signature) - Math.floor(this.now() / 1000) > this.toleranceSeconds) {
      throw new InvalidWebhookError('signature', 'Timestamp outside the tolerance zone (in the future)');
    }
    return toNotification(event);
  }
}

/** Reads a verified Stripe event into the domain's notification; MALFORMED when it is not the shape its type promises. */
export function toNotification(body: unknown): PaymentProviderNotification {
  const event = parsed(stripeEvent, body, 'event');
  const base = { eventId: event.id, type: event.type, createdAt: new Date(event.created * 1000) };
  if (event.type.startsWith('identity.verification_session.') && event.type !== 'identity.verification_session.redacted') {
    const session = parsed(identitySession, event.data.object, 'data.object');
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
    const account = parsed(connectAccount, event.data.object, 'data.object');
    return {
      ...base,
      kind: 'connect-account',
      accountId: account.id,
      chargesEnabled: account.charges_enabled,
      payoutsEnabled: account.payouts_enabled,
      detailsSubmitted: account.details_submitted,
      instructorId: account.metadata?.instructorId ?? null,
    };
  }
  return { ...base, kind: 'other' };
}
