import Stripe from 'stripe';
import { InvalidWebhookError, StripeWebhookVerifier } from './stripe-webhook.verifier';

const SECRET = 'whsec_unit_test_secret_0123456789';
const stripe = new Stripe('sk_test_123');
const verifier = new StripeWebhookVerifier(stripe, SECRET, 300);
const now = () => Math.floor(Date.now() / 1000);

function signed(event: object, options: { secret?: string; timestamp?: number } = {}) {
  return signedText(JSON.stringify(event), options);
}

/** Any bytes, correctly signed: what a sender holding the secret could send. */
function signedText(payload: string, options: { secret?: string; timestamp?: number } = {}) {
  return { body: Buffer.from(payload), header: stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp }) };
}

/** The error `verify` throws for these bytes (the test fails when it throws none). */
function refusal(message: { body: Buffer; header: string }): InvalidWebhookError {
  try {
    verifier.verify(message.body, message.header);
  } catch (error) {
    if (error instanceof InvalidWebhookError) return error;
    throw error;
  }
  throw new Error('the webhook was accepted');
}

const event = (type: string, object: object, created = now()) => ({ id: 'evt_1', object: 'event', type, created, data: { object } });

describe('Stripe webhook verification', () => {
  it('maps identity session events to what the domain acts on', () => {
    const { body, header } = signed(
      event('identity.verification_session.requires_input', {
        id: 'vs_1',
        object: 'identity.verification_session',
        status: 'requires_input',
        last_error: { code: 'document_unverified_other' },
        metadata: { instructorId: 'i-1' },
      }, 1_700_000_000),
    );
    expect(verifier.verify(body, header)).toEqual({
      kind: 'identity-session',
      eventId: 'evt_1',
      type: 'identity.verification_session.requires_input',
      createdAt: new Date(1_700_000_000_000),
      sessionId: 'vs_1',
      status: 'requires_input',
      lastErrorCode: 'document_unverified_other',
      instructorId: 'i-1',
    });
  });

  it('maps account.updated to the account capabilities; anything else is "other"', () => {
    const account = signed(event('account.updated', { id: 'acct_1', object: 'account', charges_enabled: true, payouts_enabled: false, details_submitted: true, metadata: {} }));
    expect(verifier.verify(account.body, account.header)).toMatchObject({ kind: 'connect-account', accountId: 'acct_1', chargesEnabled: true, payoutsEnabled: false, detailsSubmitted: true, instructorId: null });
    const redacted = signed(event('identity.verification_session.redacted', { id: 'vs_1', object: 'identity.verification_session', status: 'verified' }));
    expect(verifier.verify(redacted.body, redacted.header)).toMatchObject({ kind: 'other' });
  });

  it('refuses a wrong secret, a changed body, a missing header and an old signature', () => {
    const good = signed(event('account.updated', { id: 'acct_1', object: 'account' }));
    expect(() => verifier.verify(good.body, signed(event('account.updated', {}), { secret: 'whsec_other_secret_0123456789' }).header)).toThrow(InvalidWebhookError);
    expect(() => verifier.verify(Buffer.from(good.body.toString().replace('acct_1', 'acct_2')), good.header)).toThrow(InvalidWebhookError);
    expect(() => verifier.verify(good.body, undefined)).toThrow(InvalidWebhookError);
    const old = signed(event('account.updated', { id: 'acct_1', object: 'account' }), { timestamp: now() - 301 });
    expect(() => verifier.verify(old.body, old.header)).toThrow(/tolerance/i);
  });

  it('refuses a signature timestamp too far in the future, like a stale one; a few seconds of clock skew are fine', () => {
    const early = signed(event('account.updated', { id: 'acct_1', object: 'account', charges_enabled: true, payouts_enabled: true, details_submitted: true }), {
      timestamp: now() + 301,
    });
    expect(refusal(early)).toMatchObject({ kind: 'signature', message: expect.stringMatching(/tolerance/i) });
    const skewed = signed(event('account.updated', { id: 'acct_1', object: 'account', charges_enabled: true, payouts_enabled: true, details_submitted: true }), {
      timestamp: now() + 5,
    });
    expect(verifier.verify(skewed.body, skewed.header)).toMatchObject({ kind: 'connect-account' });
  });

  it('refuses correctly signed bodies that are not a Stripe event, as malformed', () => {
    const account = { id: 'acct_1', object: 'account', charges_enabled: true, payouts_enabled: true, details_submitted: true };
    const malformed: [string, string][] = [
      ['not JSON', 'this is not json'],
      ['a JSON array', '[]'],
      ['JSON null', 'null'],
      ['no id', JSON.stringify({ object: 'event', type: 'account.updated', created: now(), data: { object: account } })],
      ['no type', JSON.stringify({ id: 'evt_1', object: 'event', created: now(), data: { object: account } })],
      ['no created', JSON.stringify({ id: 'evt_1', object: 'event', type: 'account.updated', data: { object: account } })],
      ['created as text', JSON.stringify({ ...event('account.updated', account), created: 'yesterday' })],
      ['created beyond any date', JSON.stringify({ ...event('account.updated', account), created: 1e20 })],
      ['no data', JSON.stringify({ id: 'evt_1', object: 'event', type: 'account.updated', created: now() })],
      ['an id of 300 characters', JSON.stringify({ ...event('account.updated', account), id: `evt_${'a'.repeat(296)}` })],
      ['an id that is not an event id', JSON.stringify({ ...event('account.updated', account), id: 'cus_123' })],
      ['a type of 300 characters', JSON.stringify(event(`a.${'b'.repeat(298)}`, {}))],
      ['an account that is not an object', JSON.stringify(event('account.updated', 'acct_1' as unknown as object))],
      ['an account without an id', JSON.stringify(event('account.updated', { ...account, id: undefined }))],
      ['capabilities that are not booleans', JSON.stringify(event('account.updated', { ...account, charges_enabled: 'yes' }))],
      ['a session status that is not text', JSON.stringify(event('identity.verification_session.verified', { id: 'vs_1', object: 'identity.verification_session', status: 42 }))],
      ['a session without an id', JSON.stringify(event('identity.verification_session.verified', { object: 'identity.verification_session', status: 'verified' }))],
      ['a session error that is not an object', JSON.stringify(event('identity.verification_session.requires_input', { id: 'vs_1', status: 'requires_input', last_error: 'oops' }))],
    ];
    for (const [what, payload] of malformed) {
      expect({ what, error: refusal(signedText(payload)) }).toMatchObject({ what, error: { kind: 'malformed' } });
    }
  });

  it('accepts event ids up to 255 characters, and events it does not act on whatever their object', () => {
    const longest = signed({ ...event('customer.created', { id: 'cus_1', whatever: [1, 2] }), id: `evt_${'a'.repeat(251)}` });
    expect(verifier.verify(longest.body, longest.header)).toMatchObject({ kind: 'other', eventId: `evt_${'a'.repeat(251)}` });
  });
});
