import Stripe from 'stripe';
import { InvalidWebhookError, StripeWebhookVerifier } from './stripe-webhook.verifier';

const SECRET = 'whsec_unit_test_secret_0123456789';
const stripe = new Stripe('sk_test_123');
const verifier = new StripeWebhookVerifier(stripe, SECRET, 300);
const now = () => Math.floor(Date.now() / 1000);

function signed(event: object, options: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event);
  return { body: Buffer.from(payload), header: stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp }) };
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
});
