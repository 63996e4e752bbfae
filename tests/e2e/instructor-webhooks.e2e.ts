import { accountUpdatedEvent, dataOf, identitySessionEvent, instructorSql, sendWebhook, startStack, stripeEvent, stripeSignature, type TestStack, webhookUrl } from '@instainstru/test-harness';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps).subgraph() });
});

afterAll(() => stack?.stop());

const now = () => Math.floor(Date.now() / 1000);

interface Verification {
  identity: { status: string; sessionId: string; lastErrorCode: string | null };
  payouts: { stripeAccountId: string; chargesEnabled: boolean; payoutsEnabled: boolean };
}

/** An instructor with a Stripe Identity session and a Connect account (both from stripe-mock). */
async function instructorWithStripe(sub: string) {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const id = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Webhook Tester" }) { id } }`, { token }),
  ).startInstructorOnboarding.id;
  dataOf(await stack.graphql(`mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId } }`, { token, variables: { id } }));
  dataOf(await stack.graphql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url } }`, { token, variables: { id } }));
  const state = async (): Promise<Verification> => {
    const { instructor } = dataOf<{ instructor: { privateDetails: { identityVerification: Verification['identity']; payoutAccount: Verification['payouts'] } } }>(
      await stack.graphql(
        `query($id: ID!) { instructor(id: $id) { privateDetails {
           identityVerification { status sessionId lastErrorCode } payoutAccount { stripeAccountId chargesEnabled payoutsEnabled } } } }`,
        { token, variables: { id } },
      ),
    );
    return { identity: instructor.privateDetails.identityVerification, payouts: instructor.privateDetails.payoutAccount };
  };
  return { id, token, state, initial: await state() };
}

/** POSTs any bytes with a valid signature over exactly those bytes, as a sender holding the secret could. */
async function sendSigned(payload: string, options: { timestamp?: number } = {}): Promise<{ status: number; body: unknown }> {
  const signature = stripeSignature(payload, { timestamp: options.timestamp });
  const response = await fetch(webhookUrl(stack), { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return { status: response.status, body };
}

const recordedCount = async () => Number((await instructorSql<{ n: string }>(stack, `select count(*) as n from stripe_webhook_event`))[0]!.n);

const recorded = (eventId: string) => instructorSql<{ outcome: string }>(stack, `select outcome from stripe_webhook_event where event_id = $1`, [eventId]);

describe('failing webhooks change nothing', () => {
  it('refuses a webhook signed with another secret', async () => {
    const { state, initial } = await instructorWithStripe('wh-forged');
    const event = accountUpdatedEvent({ id: initial.payouts.stripeAccountId, chargesEnabled: true });
    const forged = await sendWebhook(stack, event, { secret: 'whsec_not_the_real_secret_at_all' });
    expect(forged).toEqual({ status: 400, body: { error: 'invalid signature' } });
    expect(await state()).toEqual(initial);
    expect(await recorded(event.id)).toEqual([]);
  });

  it('refuses a body other than the one signed, and a missing signature', async () => {
    const { state, initial } = await instructorWithStripe('wh-tampered');
    const signed = identitySessionEvent('processing', { id: initial.identity.sessionId });
    const tampered = JSON.stringify(identitySessionEvent('verified', { id: initial.identity.sessionId }, { id: signed.id, created: signed.created }));
    expect((await sendWebhook(stack, signed, { body: tampered })).status).toBe(400);
    // Re-serialised JSON (whitespace) is not the signed body either: verification is on the raw bytes.
    expect((await sendWebhook(stack, signed, { body: JSON.stringify(signed, null, 2) })).status).toBe(400);
    expect((await sendWebhook(stack, signed, { signature: null })).status).toBe(400);
    expect(await state()).toEqual(initial);
    expect(await recorded(signed.id)).toEqual([]);
  });

  it('refuses a stale webhook (signed outside the timestamp tolerance)', async () => {
    const { state, initial } = await instructorWithStripe('wh-stale');
    const event = identitySessionEvent('verified', { id: initial.identity.sessionId }, { created: now() - 600 });
    const stale = await sendWebhook(stack, event, { timestamp: now() - 600 });
    expect(stale.status).toBe(400);
    expect((await state()).identity.status).toBe('REQUIRES_INPUT');
    expect(await recorded(event.id)).toEqual([]);
  });

  it('refuses a signature timestamp too far in the future, like a stale one', async () => {
    const { state, initial } = await instructorWithStripe('wh-future');
    const event = identitySessionEvent('verified', { id: initial.identity.sessionId }, { created: now() + 600 });
    const early = await sendWebhook(stack, event, { timestamp: now() + 600 });
    expect(early).toEqual({ status: 400, body: { error: 'invalid signature' } });
    expect((await state()).identity.status).toBe('REQUIRES_INPUT');
    expect(await recorded(event.id)).toEqual([]);
  });

  it('answers 400 to a correctly signed body that is not a well-formed event, and writes nothing', async () => {
    const { state, initial } = await instructorWithStripe('wh-malformed');
    const before = await recordedCount();
    const account = accountUpdatedEvent({ id: initial.payouts.stripeAccountId, chargesEnabled: true });
    const session = identitySessionEvent('verified', { id: initial.identity.sessionId });
    const { id: _id, ...withoutId } = account;
    const { type: _type, ...withoutType } = account;
    const { created: _created, ...withoutCreated } = account;
    const malformed: [string, string][] = [
      ['not JSON', '{"id": "evt_1", "type": '],
      ['a JSON array', '[]'],
      ['no id', JSON.stringify(withoutId)],
      ['no type', JSON.stringify(withoutType)],
      ['no created', JSON.stringify(withoutCreated)],
      ['created as text', JSON.stringify({ ...account, created: 'now' })],
      ['no data', JSON.stringify({ ...account, data: undefined })],
      ['an account that is not an object', JSON.stringify({ ...account, data: { object: initial.payouts.stripeAccountId } })],
      ['capabilities that are not booleans', JSON.stringify({ ...account, data: { object: { ...account.data.object, charges_enabled: 'true' } } })],
      ['a session status that is not text', JSON.stringify({ ...session, data: { object: { ...session.data.object, status: 1 } } })],
      ['a session without an id', JSON.stringify({ ...session, data: { object: { ...session.data.object, id: null } } })],
    ];
    for (const [what, payload] of malformed) {
      expect({ what, response: await sendSigned(payload) }).toEqual({ what, response: { status: 400, body: { error: 'malformed event' } } });
    }
    expect(await recordedCount()).toBe(before);
    expect(await state()).toEqual(initial);
  });

  it('bounds event ids: an oversized one, or one not shaped like a Stripe event id, is a 400 and writes nothing', async () => {
    const { state, initial } = await instructorWithStripe('wh-long-id');
    const before = await recordedCount();
    for (const id of [`evt_${'x'.repeat(10_000)}`, `evt_${'x'.repeat(252)}`, 'evt_', 'not an event id', 'evt_1;drop table x']) {
      const event = accountUpdatedEvent({ id: initial.payouts.stripeAccountId, chargesEnabled: true }, { id });
      expect({ id: id.slice(0, 40), response: await sendWebhook(stack, event) }).toEqual({
        id: id.slice(0, 40),
        response: { status: 400, body: { error: 'malformed event' } },
      });
    }
    expect(await recordedCount()).toBe(before);
    expect(await state()).toEqual(initial);
    // 255 characters is the longest accepted.
    const longest = accountUpdatedEvent({ id: initial.payouts.stripeAccountId, chargesEnabled: true }, { id: `evt_${'x'.repeat(251)}` });
    expect((await sendWebhook(stack, longest)).body.outcome).toBe('applied');
    expect(await recorded(longest.id)).toEqual([{ outcome: 'applied' }]);
  });

  it('answers only POST', async () => {
    const response = await fetch(webhookUrl(stack));
    expect(response.status).toBe(405);
  });
});

describe('successful webhooks', () => {
  it('applies a duplicated webhook once', async () => {
    const { state, initial } = await instructorWithStripe('wh-duplicate');
    const at = now();
    const needsInput = identitySessionEvent('requires_input', { id: initial.identity.sessionId, lastErrorCode: 'document_expired' }, { created: at });
    const processing = identitySessionEvent('processing', { id: initial.identity.sessionId }, { created: at });

    expect((await sendWebhook(stack, needsInput)).body.outcome).toBe('applied');
    expect((await state()).identity).toMatchObject({ status: 'REQUIRES_INPUT', lastErrorCode: 'document_expired' });
    expect((await sendWebhook(stack, processing)).body.outcome).toBe('applied');
    // Stripe delivers the first one again (same event id): had it been applied twice, the status
    // would be back at REQUIRES_INPUT.
    const again = await sendWebhook(stack, needsInput);
    expect(again).toEqual({ status: 200, body: { received: true, outcome: 'duplicate' } });
    expect((await state()).identity).toMatchObject({ status: 'PROCESSING', lastErrorCode: null });
    expect(await recorded(needsInput.id)).toEqual([{ outcome: 'applied' }]);

    // Delivered concurrently, still exactly once.
    const verified = identitySessionEvent('verified', { id: initial.identity.sessionId }, { created: at + 1 });
    const outcomes = await Promise.all([1, 2, 3].map(() => sendWebhook(stack, verified)));
    expect(outcomes.map((o) => o.body.outcome).sort()).toEqual(['applied', 'duplicate', 'duplicate']);
    expect((await state()).identity.status).toBe('VERIFIED');
  });

  it('is safe out of order: an older account.updated never overwrites a newer one', async () => {
    const { state, initial } = await instructorWithStripe('wh-order');
    const accountId = initial.payouts.stripeAccountId;
    const newer = accountUpdatedEvent({ id: accountId, chargesEnabled: true }, { created: now() });
    const older = accountUpdatedEvent({ id: accountId, chargesEnabled: false, payoutsEnabled: false, detailsSubmitted: false }, { created: now() - 120 });
    expect((await sendWebhook(stack, newer)).body.outcome).toBe('applied');
    expect((await sendWebhook(stack, older)).body.outcome).toBe('stale');
    expect((await state()).payouts).toEqual({ stripeAccountId: accountId, chargesEnabled: true, payoutsEnabled: true });
    expect(await recorded(older.id)).toEqual([{ outcome: 'stale' }]);
  });

  it('never moves a verified identity back, whatever arrives later', async () => {
    const { state, initial } = await instructorWithStripe('wh-verified');
    const sessionId = initial.identity.sessionId;
    expect((await sendWebhook(stack, identitySessionEvent('verified', { id: sessionId }, { created: now() - 60 }))).body.outcome).toBe('applied');
    expect((await sendWebhook(stack, identitySessionEvent('requires_input', { id: sessionId }, { created: now() }))).body.outcome).toBe('ignored');
    expect((await sendWebhook(stack, identitySessionEvent('processing', { id: sessionId }, { created: now() - 120 }))).body.outcome).toBe('ignored');
    expect((await state()).identity.status).toBe('VERIFIED');
  });

  it('acknowledges events it has no use for without changing anything', async () => {
    const { state, initial } = await instructorWithStripe('wh-other');
    expect((await sendWebhook(stack, stripeEvent('customer.created', { id: 'cus_123', object: 'customer' }))).body.outcome).toBe('ignored');
    expect((await sendWebhook(stack, accountUpdatedEvent({ id: 'acct_someone_else', chargesEnabled: true }))).body.outcome).toBe('ignored');
    expect((await sendWebhook(stack, identitySessionEvent('verified', { id: 'vs_not_ours' }))).body.outcome).toBe('ignored');
    expect(await state()).toEqual(initial);
  });
});
