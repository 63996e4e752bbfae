/**
 * Contract of the project's Stripe emulator (emulators/stripe) with Stripe's real API.
 *
 * In development and in the test suite the services talk to the emulator, never to Stripe, so the
 * emulator can drift from Stripe unnoticed: it could accept a parameter Stripe refuses, or answer a
 * shape Stripe does not, and every test would stay green until production. This file guards that by
 * sending every request shape the services use, through the services' own Stripe code, to both:
 *
 *   stripe-mock   Stripe's official mock (STRIPE_MOCK_URL, default http://127.0.0.1:12111). It
 *                 validates every request against Stripe's OpenAPI specification but keeps no state:
 *                 it answers fixtures. Against it we assert that each call is accepted (no
 *                 StripeInvalidRequestError: unknown, missing or invalid parameter) and that the answer
 *                 is the object the code reads (`payment_intent`, `customer`, …).
 *   emulator      the project's stateful emulator (STRIPE_EMULATOR_URL, default http://127.0.0.1:12120),
 *                 in a world of its own (a fresh `sk_test_…` key). Against it we assert the same, plus
 *                 the lifecycle the services rely on: create → requires_capture with capture_before,
 *                 capture → succeeded, cancel → canceled, an off-session decline then a confirm of the
 *                 same intent, the saved card listed on the customer, 400 on a second capture/cancel.
 *
 * The shapes are those of services/booking/src/infra/stripe/stripe-payments.provider.ts (customers,
 * SetupIntents, saved cards, manual-capture destination PaymentIntents with an application fee) and
 * services/instructor/src/infra/stripe/stripe.adapters.ts (Identity sessions, Connect Express
 * accounts and onboarding links). The real classes are driven, on an SDK client that records every
 * call and its answer (the provider turns some refusals into outcomes, e.g. a 400 on capture into
 * NOT_CAPTURABLE, so the outcome alone would hide a refused shape). SERVICE_CALLS lists the shapes;
 * after the lifecycle, a test of each target checks that every one of them was sent and none was
 * refused for its parameters. When a service starts calling Stripe differently, change the call here too.
 *
 * Finally each shape is sent once more with one unknown parameter: Stripe (stripe-mock) refuses it
 * with a 400, and so must the emulator (code parameter_unknown), or the emulator would accept what
 * Stripe refuses. stripe-mock's refusals carry no `code` (only "additional properties are not
 * allowed" in the message), so the code is compared on the emulator only.
 *
 * Where stripe-mock cannot follow a lifecycle (its capture or cancel of an intent answers a fixture
 * whatever the intent's state; it never declines a card; every id exists), the request shape being
 * accepted is all we ask of it: lifecycle outcomes are asserted on the emulator only (`stateful`).
 */
import { randomUUID } from 'node:crypto';
import { createStripeClient, Stripe } from '@instainstru/platform';
import { emulatorWorld } from '@instainstru/test-harness';
import type { AuthorizationRequest } from '../../services/booking/src/domain/payment.ports';
import { RequestGate } from '../../services/booking/src/infra/stripe/request-gate';
import { StripePaymentProvider } from '../../services/booking/src/infra/stripe/stripe-payments.provider';
import { StripeConnectPayoutAccounts, StripeIdentityVerifier } from '../../services/instructor/src/infra/stripe/stripe.adapters';

/** Every Stripe call the booking and instructor services make (SDK resource.method). */
const SERVICE_CALLS = [
  'customers.create',
  'setupIntents.create',
  'customers.listPaymentMethods',
  'paymentMethods.retrieve',
  'paymentIntents.create',
  'paymentIntents.confirm',
  'paymentIntents.capture',
  'paymentIntents.cancel',
  'paymentIntents.retrieve',
  'paymentIntents.list',
  'identity.verificationSessions.create',
  'identity.verificationSessions.cancel',
  'accounts.create',
  'accounts.del',
  'accountLinks.create',
  'balance.retrieve',
  'payouts.create',
  'payouts.retrieve',
  'transfers.create',
  'transfers.createReversal',
  'refunds.create',
] as const;
type ServiceCall = (typeof SERVICE_CALLS)[number];

interface Target {
  name: string;
  url: string;
  /** The secret key: a world of its own on the emulator; any test key on stripe-mock. */
  key: string;
  /** Keeps state, so lifecycle outcomes are asserted (the emulator), not only request shapes (stripe-mock). */
  stateful: boolean;
  /** Completes a Connect account's onboarding (the emulator's control route; stripe-mock has none to do). */
  onboard(accountId: string): Promise<void>;
  /** Confirms a SetupIntent with a test card as Stripe.js would; answers the saved PaymentMethod's id. */
  saveCard(setupIntentId: string, card: string): Promise<string>;
}

const world = emulatorWorld();

const TARGETS: Target[] = [
  {
    name: 'stripe-mock',
    url: process.env.STRIPE_MOCK_URL ?? 'http://127.0.0.1:12111',
    key: 'sk_test_123',
    stateful: false,
    onboard: async () => undefined,
    // Saving a card is the browser's step (Stripe.js), not a service call: stripe-mock takes the test token as the card.
    saveCard: async (_setupIntentId, card) => card,
  },
  {
    name: 'emulator',
    url: world.url,
    key: world.key,
    stateful: true,
    onboard: async (accountId) => {
      await world.control(`/accounts/${accountId}/onboard`);
    },
    saveCard: (setupIntentId, card) => world.confirmSetup(setupIntentId, card),
  },
];

type Answer = Record<string, unknown>;
interface RecordedCall {
  operation: string;
  answer?: Answer;
  error?: unknown;
}

/**
 * The SDK client with every resource method recorded (`customers.create`,
 * `identity.verificationSessions.cancel`, …): its answer or its error, before the code under test
 * sees it.
 */
function recording(stripe: Stripe, calls: RecordedCall[]): Stripe {
  const wrap = <T extends object>(target: T, path: string): T =>
    new Proxy(target, {
      get(object, property) {
        const value: unknown = Reflect.get(object, property);
        if (typeof property !== 'string' || property.startsWith('_')) return value;
        const operation = path ? `${path}.${property}` : property;
        if (typeof value === 'function') {
          if (!path) return value.bind(object);
          return async (...args: unknown[]) => {
            try {
              const answer = (await (value as (...a: unknown[]) => Promise<Answer>).apply(object, args)) as Answer;
              calls.push({ operation, answer });
              return answer;
            } catch (error) {
              calls.push({ operation, error });
              throw error;
            }
          };
        }
        // Resources (stripe.customers) and namespaces (stripe.identity.verificationSessions).
        if (value && typeof value === 'object' && !Array.isArray(value) && path.split('.').length < 2) return wrap(value, operation);
        return value;
      },
    });
  return wrap(stripe, '');
}

const errorText = (error: unknown): string =>
  error instanceof Stripe.errors.StripeError ? `${error.statusCode} ${error.type} ${error.code ?? '(no code)'} ${error.param ?? ''}: ${error.message}` : String(error);

/** A refusal of the request's parameters (as opposed to a refusal of what it asks in the current state). */
const refusedForShape = (error: unknown): boolean =>
  error instanceof Stripe.errors.StripeInvalidRequestError && ((error.code ?? '').startsWith('parameter_') || /Request validation error/.test(error.message));

const UNKNOWN = { bogus_contract_parameter: 'x' };

/** Ids the unknown-parameter checks address (real objects on the emulator, anything on stripe-mock). */
interface Ids {
  customer: string;
  card: string;
  intent: string;
  account: string;
  payout: string;
}

/**
 * Each service call with the services' parameters plus one unknown parameter. The ids exist on the
 * emulator, so a refusal there is about the parameter, not about a missing object.
 */
const WITH_UNKNOWN_PARAMETER: Record<ServiceCall, (stripe: Stripe, ids: Ids) => Promise<unknown>> = {
  'customers.create': (s) => s.customers.create({ metadata: { studentId: 'contract' }, ...UNKNOWN } as Stripe.CustomerCreateParams),
  'setupIntents.create': (s, ids) =>
    s.setupIntents.create({ customer: ids.customer, usage: 'off_session', payment_method_types: ['card'], ...UNKNOWN } as Stripe.SetupIntentCreateParams),
  'customers.listPaymentMethods': (s, ids) => s.customers.listPaymentMethods(ids.customer, { type: 'card', limit: 100, ...UNKNOWN } as Stripe.CustomerListPaymentMethodsParams),
  'paymentMethods.retrieve': (s, ids) => s.paymentMethods.retrieve(ids.card, UNKNOWN as Stripe.PaymentMethodRetrieveParams),
  'paymentIntents.create': (s, ids) =>
    s.paymentIntents.create({
      amount: 6000,
      currency: 'usd',
      customer: ids.customer,
      payment_method: ids.card,
      payment_method_types: ['card'],
      capture_method: 'manual',
      confirm: true,
      off_session: true,
      transfer_data: { destination: ids.account },
      application_fee_amount: 900,
      metadata: { bookingId: randomUUID(), attempt: '1' },
      description: 'Lesson booking (contract)',
      expand: ['latest_charge'],
      ...UNKNOWN,
    } as Stripe.PaymentIntentCreateParams),
  'paymentIntents.confirm': (s, ids) =>
    s.paymentIntents.confirm(ids.intent, { payment_method: ids.card, off_session: true, expand: ['latest_charge'], ...UNKNOWN } as Stripe.PaymentIntentConfirmParams),
  'paymentIntents.capture': (s, ids) =>
    s.paymentIntents.capture(ids.intent, { amount_to_capture: 5000, application_fee_amount: 750, ...UNKNOWN } as Stripe.PaymentIntentCaptureParams),
  'paymentIntents.cancel': (s, ids) => s.paymentIntents.cancel(ids.intent, UNKNOWN as Stripe.PaymentIntentCancelParams),
  'paymentIntents.retrieve': (s, ids) => s.paymentIntents.retrieve(ids.intent, { expand: ['latest_charge'], ...UNKNOWN } as Stripe.PaymentIntentRetrieveParams),
  'paymentIntents.list': (s, ids) => s.paymentIntents.list({ customer: ids.customer, limit: 100, ...UNKNOWN } as Stripe.PaymentIntentListParams),
  'identity.verificationSessions.create': (s) =>
    s.identity.verificationSessions.create({
      type: 'document',
      options: { document: { require_matching_selfie: true } },
      metadata: { instructorId: 'contract' },
      return_url: 'https://app.instainstru.test/identity/done',
      ...UNKNOWN,
    } as Stripe.Identity.VerificationSessionCreateParams),
  'identity.verificationSessions.cancel': async (s) => {
    const session = await s.identity.verificationSessions.create({ type: 'document' });
    return s.identity.verificationSessions.cancel(session.id, UNKNOWN as Stripe.Identity.VerificationSessionCancelParams);
  },
  'accounts.create': (s) =>
    s.accounts.create({
      type: 'express',
      country: 'US',
      capabilities: { card_payments: { requested: true }, transfers: { requested: true } },
      business_type: 'individual',
      metadata: { instructorId: 'contract' },
      ...UNKNOWN,
    } as Stripe.AccountCreateParams),
  'accounts.del': async (s) => {
    const account = await s.accounts.create({ type: 'express', country: 'US' });
    return s.accounts.del(account.id, UNKNOWN as Stripe.AccountDeleteParams);
  },
  'accountLinks.create': (s, ids) =>
    s.accountLinks.create({
      account: ids.account,
      type: 'account_onboarding',
      refresh_url: 'https://app.instainstru.test/payouts/refresh',
      return_url: 'https://app.instainstru.test/payouts/done',
      ...UNKNOWN,
    } as Stripe.AccountLinkCreateParams),
  'balance.retrieve': (s, ids) => s.balance.retrieve(UNKNOWN as Stripe.BalanceRetrieveParams, { stripeAccount: ids.account }),
  'payouts.create': (s, ids) =>
    s.payouts.create({ amount: 100, currency: 'usd', method: 'instant', metadata: { payoutId: randomUUID(), instructorId: 'contract' }, ...UNKNOWN } as Stripe.PayoutCreateParams, {
      stripeAccount: ids.account,
    }),
  'payouts.retrieve': (s, ids) => s.payouts.retrieve(ids.payout, UNKNOWN as Stripe.PayoutRetrieveParams, { stripeAccount: ids.account }),
  'transfers.create': (s, ids) =>
    s.transfers.create({
      amount: 100,
      currency: 'usd',
      destination: ids.account,
      transfer_group: 'booking-contract',
      metadata: { bookingId: 'contract', reason: 'credits' },
      description: 'Credits applied (contract)',
      ...UNKNOWN,
    } as Stripe.TransferCreateParams),
  'transfers.createReversal': (s) => s.transfers.createReversal('tr_contract', { amount: 100, metadata: { bookingId: 'contract' }, ...UNKNOWN } as Stripe.TransferCreateReversalParams),
  'refunds.create': (s, ids) =>
    s.refunds.create({
      payment_intent: ids.intent,
      amount: 100,
      reverse_transfer: true,
      refund_application_fee: true,
      metadata: { bookingId: 'contract', refundId: 'contract' },
      ...UNKNOWN,
    } as Stripe.RefundCreateParams),
};

/** The answer or the error of a call, as a value (for assertions on refusals). */
const settle = (work: Promise<unknown>): Promise<{ answer?: unknown; error?: unknown }> => work.then((answer) => ({ answer }), (error: unknown) => ({ error }));

/** Stripe's authorisation window for online card payments; capture_before lies within it. */
const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

describe.each(TARGETS)('the services’ Stripe calls against $name', (target) => {
  const calls: RecordedCall[] = [];
  const stripe = recording(createStripeClient({ apiBase: new URL(target.url), secretKey: target.key, appName: 'instainstru-contract-test' }), calls);
  const instructorStripe = recording(createStripeClient({ apiBase: new URL(target.url), secretKey: target.key, appName: 'instainstru-instructor' }), calls);
  const provider = new StripePaymentProvider(stripe, new RequestGate(200));
  const failures: string[] = [];
  const payouts = new StripeConnectPayoutAccounts(instructorStripe, (error, operation) => failures.push(`${operation}: ${errorText(error)}`));
  const identity = new StripeIdentityVerifier(instructorStripe, (error, operation) => failures.push(`${operation}: ${errorText(error)}`));
  /** A plain client (not recorded) for the unknown-parameter checks. */
  const raw = createStripeClient({ apiBase: new URL(target.url), secretKey: target.key, appName: 'instainstru-contract-test', maxNetworkRetries: 0 });

  /** The latest recorded call of `operation`: it must have been accepted and answer an object of type `object`. */
  function accepted(operation: ServiceCall, object: string): Answer {
    const call = [...calls].reverse().find((c) => c.operation === operation);
    expect({ operation, refused: call?.error === undefined ? null : errorText(call.error), object: call?.answer?.object }).toEqual({ operation, refused: null, object });
    return call!.answer!;
  }

  const key = () => randomUUID();
  let accountId = '';
  let customerId = '';
  let cardId = '';
  let capturedIntentId = '';
  let payoutId = '';
  const bookingCaptured = randomUUID();
  const bookingRetried = randomUUID();
  const authorization = (overrides: Partial<AuthorizationRequest>): AuthorizationRequest => ({
    bookingId: bookingCaptured,
    attempt: 1,
    customerId,
    paymentMethodId: cardId,
    amountMinor: 6000,
    currency: 'USD',
    applicationFeeMinor: 900,
    destinationAccount: accountId,
    onSession: false,
    existingIntentId: null,
    idempotencyKey: key(),
    ...overrides,
  });

  test('Connect: accounts.create (Express, card_payments + transfers) and accountLinks.create for its onboarding', async () => {
    const account = await payouts.createAccount({ instructorId: randomUUID(), idempotencyKey: key() });
    accountId = account.id;
    const created = accepted('accounts.create', 'account');
    expect(account.id).toMatch(/^acct_/);

    const link = await payouts.createOnboardingLink({ accountId, refreshUrl: 'https://app.instainstru.test/payouts/refresh', returnUrl: 'https://app.instainstru.test/payouts/done' });
    accepted('accountLinks.create', 'account_link');
    expect(() => new URL(link.url)).not.toThrow();

    if (target.stateful) {
      // A new Express account cannot be charged to until its owner completes onboarding.
      expect(created).toMatchObject({ type: 'express', charges_enabled: false });
      expect(link.expiresAt.getTime()).toBeGreaterThan(Date.now());
    }
    // The instructor completes onboarding (Stripe's hosted pages); only then can lessons be charged to the account.
    await target.onboard(accountId);
  });

  test('Identity: verificationSessions.create (document + matching selfie, return_url), then cancel', async () => {
    const session = await identity.createSession({ instructorId: randomUUID(), idempotencyKey: key(), returnUrl: 'https://app.instainstru.test/identity/done' });
    const created = accepted('identity.verificationSessions.create', 'identity.verification_session');
    expect(session.id).toMatch(/^vs_/);

    await identity.cancelSession(session.id);
    const canceled = accepted('identity.verificationSessions.cancel', 'identity.verification_session');

    if (target.stateful) {
      expect(created).toMatchObject({ status: 'requires_input', type: 'document' });
      expect(session.clientSecret).toEqual(expect.any(String));
      expect(session.url).toEqual(expect.any(String));
      expect(canceled).toMatchObject({ id: session.id, status: 'canceled' });
    }
  });

  test('Connect: accounts.del of an account never used', async () => {
    const { id } = await payouts.createAccount({ instructorId: randomUUID(), idempotencyKey: key() });
    await payouts.deleteAccount(id);
    expect(accepted('accounts.del', 'account')).toMatchObject({ id, deleted: true });
  });

  test('customers.create and setupIntents.create (off_session, card) to save a card', async () => {
    customerId = await provider.createCustomer(randomUUID(), key());
    accepted('customers.create', 'customer');
    expect(customerId).toMatch(/^cus_/);

    const setup = await provider.startSetup(customerId, key());
    const setupIntent = accepted('setupIntents.create', 'setup_intent');
    expect(setup.clientSecret).toEqual(expect.any(String));
    if (target.stateful) expect(setupIntent).toMatchObject({ customer: customerId, usage: 'off_session', status: 'requires_payment_method', payment_method_types: ['card'] });

    cardId = await target.saveCard(setup.setupIntentId, 'pm_card_visa');
  });

  test('customers.listPaymentMethods and paymentMethods.retrieve read the saved card', async () => {
    const methods = await provider.paymentMethodsOf(customerId);
    expect(accepted('customers.listPaymentMethods', 'list').data).toEqual(expect.any(Array));

    const method = await provider.paymentMethod(cardId);
    accepted('paymentMethods.retrieve', 'payment_method');
    expect(method).not.toBeNull();

    if (target.stateful) {
      const saved = { id: cardId, brand: 'visa', last4: '4242', customerId };
      expect(methods).toEqual([expect.objectContaining(saved)]);
      expect(method).toMatchObject(saved);
      // A card id Stripe does not know reads as no card (404 resource_missing); stripe-mock answers a fixture for any id.
      expect(await provider.paymentMethod('pm_contract_unknown')).toBeNull();
    }
  });

  test('paymentIntents.create: manual capture, off-session, destination charge with application fee, expanded charge → requires_capture', async () => {
    const outcome = await provider.authorize(authorization({}));
    const intent = accepted('paymentIntents.create', 'payment_intent');
    expect((intent.latest_charge as Answer | null)?.object).toBe('charge');
    // stripe-mock answers a fixture intent in requires_payment_method, which the provider reads as DECLINED.
    if (!target.stateful) return;

    expect(intent).toMatchObject({
      capture_method: 'manual',
      customer: customerId,
      payment_method: cardId,
      transfer_data: { destination: accountId },
      application_fee_amount: 900,
      metadata: { bookingId: bookingCaptured, attempt: '1' },
    });
    expect(outcome).toMatchObject({ kind: 'AUTHORIZED', intent: { status: 'requires_capture', amountCapturable: 6000, amountReceived: 0, bookingId: bookingCaptured, lastError: null } });
    if (outcome.kind !== 'AUTHORIZED') return;
    capturedIntentId = outcome.intent.id;
    const captureBefore = outcome.intent.captureBefore?.getTime() ?? 0;
    expect(captureBefore).toBeGreaterThan(Date.now());
    expect(captureBefore).toBeLessThanOrEqual(Date.now() + SEVEN_DAYS_MS + 60_000);
  });

  test('paymentIntents.create on-session (a lesson sooner than the lead time, the student booking): no off_session → requires_capture, then cancel', async () => {
    const bookingId = randomUUID();
    const outcome = await provider.authorize(authorization({ bookingId, onSession: true }));
    const intent = accepted('paymentIntents.create', 'payment_intent');
    if (!target.stateful) return;
    expect(intent).toMatchObject({ capture_method: 'manual', transfer_data: { destination: accountId }, metadata: { bookingId, attempt: '1' } });
    expect(outcome).toMatchObject({ kind: 'AUTHORIZED', intent: { status: 'requires_capture', amountCapturable: 6000 } });
    if (outcome.kind === 'AUTHORIZED') expect((await provider.cancel(outcome.intent.id, key())).status).toBe('canceled');
  });

  test('paymentIntents.capture with amount_to_capture and application_fee_amount → succeeded; paymentIntents.retrieve expanded', async () => {
    // On stripe-mock the intent id is any id: capture answers a fixture whatever the state.
    const intentId = capturedIntentId || 'pi_contract';
    const outcome = await provider.capture({ paymentIntentId: intentId, amountMinor: 5000, applicationFeeMinor: 750, idempotencyKey: key() });
    accepted('paymentIntents.capture', 'payment_intent');

    const state = await provider.intent(intentId);
    const retrieved = accepted('paymentIntents.retrieve', 'payment_intent');
    expect((retrieved.latest_charge as Answer | null)?.object).toBe('charge');
    if (!target.stateful) return;

    expect(outcome).toEqual({ kind: 'CAPTURED', amountMinor: 5000 });
    expect(state).toMatchObject({ id: intentId, status: 'succeeded', amountReceived: 5000, amountCapturable: 0 });
    expect(retrieved).toMatchObject({ application_fee_amount: 750 });
    // A second capture is refused (400), and the provider reads what the intent is now.
    expect(await provider.capture({ paymentIntentId: intentId, amountMinor: 5000, applicationFeeMinor: 750, idempotencyKey: key() })).toMatchObject({
      kind: 'NOT_CAPTURABLE',
      intent: { id: intentId, status: 'succeeded' },
    });
    // An intent Stripe does not know reads as none (404).
    expect(await provider.intent('pi_contract_unknown')).toBeNull();
  });

  test('an off-session decline, then paymentIntents.confirm of the same intent with another card → requires_capture; paymentIntents.cancel → canceled', async () => {
    const setup = await provider.startSetup(customerId, key());
    const failingCard = await target.saveCard(setup.setupIntentId, 'pm_card_chargeCustomerFail');

    const declined = await provider.authorize(authorization({ bookingId: bookingRetried, paymentMethodId: failingCard }));
    const attempt = [...calls].reverse().find((c) => c.operation === 'paymentIntents.create');
    expect(refusedForShape(attempt?.error)).toBe(false);
    if (target.stateful) {
      // Stripe answers a declined card with 402 card_error carrying the intent, now back in requires_payment_method.
      expect(attempt?.error).toBeInstanceOf(Stripe.errors.StripeCardError);
      expect(declined).toMatchObject({ kind: 'DECLINED', code: 'card_declined', declineCode: 'generic_decline', intentId: expect.stringMatching(/^pi_/) });
    }
    // stripe-mock declines nothing: its fixture intent (whatever the provider makes of it) stands in for the declined one.
    const intentId = (declined.kind === 'DECLINED' ? declined.intentId : declined.intent.id) ?? 'pi_contract';

    const retried = await provider.authorize(authorization({ bookingId: bookingRetried, attempt: 2, existingIntentId: intentId }));
    const confirmed = accepted('paymentIntents.confirm', 'payment_intent');
    expect((confirmed.latest_charge as Answer | null)?.object).toBe('charge');

    const canceled = await provider.cancel(intentId, key());
    accepted('paymentIntents.cancel', 'payment_intent');
    if (!target.stateful) return;

    expect(retried).toMatchObject({ kind: 'AUTHORIZED', intent: { id: intentId, status: 'requires_capture', bookingId: bookingRetried } });
    expect(confirmed).toMatchObject({ payment_method: cardId, transfer_data: { destination: accountId } });
    expect(canceled).toMatchObject({ id: intentId, status: 'canceled', amountCapturable: 0 });
    // Canceling again is refused (400); an intent already canceled counts as done.
    expect(await provider.cancel(intentId, key())).toMatchObject({ id: intentId, status: 'canceled' });
    // And a canceled intent is not capturable.
    expect(await provider.capture({ paymentIntentId: intentId, amountMinor: 6000, applicationFeeMinor: 900, idempotencyKey: key() })).toMatchObject({
      kind: 'NOT_CAPTURABLE',
      intent: { status: 'canceled' },
    });
  });

  test('Connect balance and an instant payout on the instructor’s account: balance.retrieve, payouts.create (instant), payouts.retrieve', async () => {
    const balance = await provider.balance(accountId, 'USD');
    accepted('balance.retrieve', 'balance');
    const outcome = await provider.createInstantPayout({ accountId, amountMinor: 1000, currency: 'USD', payoutId: randomUUID(), instructorId: randomUUID(), idempotencyKey: key() });
    const created = accepted('payouts.create', 'payout');
    payoutId = String(created.id);
    const payout = await provider.payout(accountId, payoutId);
    accepted('payouts.retrieve', 'payout');
    if (!target.stateful) return;

    // The captured lesson's share (5000 − 750) is on the account, pending, and instantly payable.
    expect(balance).toEqual({ available: 0, pending: 4250, instantAvailable: 4250 });
    expect(outcome).toMatchObject({ kind: 'CREATED', payout: { id: payoutId, status: 'pending', method: 'instant', amountMinor: 1000, currency: 'USD' } });
    expect(payout).toMatchObject({ id: payoutId, status: 'pending', method: 'instant', payoutId: expect.any(String) });
    // Stripe takes the fee (1.5 %, at least 50) from the balance on top of the amount.
    expect(await provider.balance(accountId, 'USD')).toMatchObject({ instantAvailable: 4250 - 1000 - 50 });
    // More than the balance is refused as an outcome, not thrown.
    expect(await provider.createInstantPayout({ accountId, amountMinor: 900_000, currency: 'USD', payoutId: randomUUID(), instructorId: randomUUID(), idempotencyKey: key() })).toMatchObject({
      kind: 'REFUSED',
      code: 'balance_insufficient',
    });
    expect(await provider.payout(accountId, 'po_contract_unknown')).toBeNull();
  });

  test('paymentIntents.list by customer finds a booking’s intents by their metadata', async () => {
    const captured = await provider.intentsOfBooking(customerId, bookingCaptured);
    expect(accepted('paymentIntents.list', 'list').data).toEqual(expect.any(Array));
    if (!target.stateful) return;

    expect(captured).toEqual([expect.objectContaining({ id: capturedIntentId, status: 'succeeded', bookingId: bookingCaptured })]);
    expect(await provider.intentsOfBooking(customerId, bookingRetried)).toEqual([expect.objectContaining({ status: 'canceled', bookingId: bookingRetried })]);
  });

  test('refunds.create (reverse_transfer, refund_application_fee) of a captured intent; transfers.create from the platform balance and transfers.createReversal', async () => {
    const intentId = capturedIntentId || 'pi_contract';
    if (target.stateful) {
      // The platform's own available balance, which pays instructors what credits paid.
      const funded = await fetch(`${target.url}/_emulator/balance/credit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 10_000, status: 'available' }),
      });
      expect(funded.ok).toBe(true);
    }
    const refund = await provider.refund({ paymentIntentId: intentId, amountMinor: 1000, bookingId: bookingCaptured, refundId: randomUUID(), idempotencyKey: key() });
    const refunded = accepted('refunds.create', 'refund');
    const transfer = await provider.transfer({ amountMinor: 500, currency: 'USD', destinationAccount: accountId, bookingId: bookingCaptured, idempotencyKey: key() });
    accepted('transfers.create', 'transfer');
    const transferId = transfer.kind === 'TRANSFERRED' ? transfer.transferId : 'tr_contract';
    const reversal = await provider.reverseTransfer({ transferId, amountMinor: 200, bookingId: bookingCaptured, idempotencyKey: key() });
    accepted('transfers.createReversal', 'transfer_reversal');
    if (!target.stateful) return;

    expect(refund).toEqual({ kind: 'DONE', id: refunded.id });
    expect(refunded).toMatchObject({ amount: 1000, status: 'succeeded', payment_intent: intentId });
    expect(transfer).toMatchObject({ kind: 'TRANSFERRED', transferId: expect.stringMatching(/^tr_/) });
    expect(reversal).toMatchObject({ kind: 'DONE', id: expect.stringMatching(/^trr_/) });
    // Refusals are outcomes, not throws: more than is left to refund, or to reverse.
    expect(await provider.refund({ paymentIntentId: intentId, amountMinor: 100_000, bookingId: bookingCaptured, refundId: randomUUID(), idempotencyKey: key() })).toMatchObject({
      kind: 'REFUSED',
      code: 'amount_too_large',
    });
    expect(await provider.reverseTransfer({ transferId, amountMinor: 301, bookingId: bookingCaptured, idempotencyKey: key() })).toMatchObject({ kind: 'REFUSED', code: 'amount_too_large' });
  });

  test('every request shape of the services was sent, and none was refused for its parameters', () => {
    expect([...new Set(calls.map((c) => c.operation))].sort()).toEqual(expect.arrayContaining([...SERVICE_CALLS]));
    expect(calls.filter((c) => refusedForShape(c.error)).map((c) => `${c.operation}: ${errorText(c.error)}`)).toEqual([]);
    expect(failures).toEqual([]);
    // stripe-mock refuses nothing but bad parameters: every call there must have been answered.
    if (!target.stateful) expect(calls.filter((c) => c.error !== undefined).map((c) => `${c.operation}: ${errorText(c.error)}`)).toEqual([]);
  });

  test.each([...SERVICE_CALLS])('%s with an unknown parameter is refused: 400 (emulator: parameter_unknown)', async (call) => {
    const { error } = await settle(WITH_UNKNOWN_PARAMETER[call](raw, { customer: customerId, card: cardId, intent: capturedIntentId || 'pi_contract', account: accountId, payout: payoutId || 'po_contract' }));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    const refusal = error as Stripe.errors.StripeInvalidRequestError;
    expect(refusal.statusCode).toBe(400);
    if (target.stateful) expect({ code: refusal.code, param: refusal.param }).toEqual({ code: 'parameter_unknown', param: 'bogus_contract_parameter' });
    // stripe-mock names no code: its message is its OpenAPI validator's.
    else expect(refusal.message).toMatch(/additional properties are not allowed|bogus_contract_parameter/);
  });

  test('a required parameter left out is refused: paymentIntents.create without amount → 400 (emulator: parameter_missing)', async () => {
    const { error } = await settle(raw.paymentIntents.create({ currency: 'usd' } as Stripe.PaymentIntentCreateParams));
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    if (target.stateful) expect((error as Stripe.errors.StripeError).code).toBe('parameter_missing');
  });
});
