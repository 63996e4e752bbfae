import { profileOf, type Decline } from '../cards';
import { cardError, invalidRequest } from '../errors';
import { emit, snapshot } from '../events';
import { clientSecret, newId } from '../ids';
import { record } from '../ledger';
import { newestFirst, paginate } from '../lists';
import { allowOnly, bool, int, mergeMetadata, metadataOf, requiredInt, requiredStr, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Account, Charge, PaymentIntent, PaymentMethod } from '../types';
import type { World } from '../world';
import { createCharge } from './charges';
import { customerOf } from './customers';
import { CLIENT_PARAMS, cardTypes, checkClientSecret, threeDSecureAction } from './intents-common';
import { cardNumberOf, resolvePaymentMethod } from './payment-methods';
import { createTransfer, transferDestination } from './transfers';

const AUTHENTICATION_REQUIRED: Decline = {
  code: 'authentication_required',
  declineCode: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

const UNCAPTURED = ['requires_payment_method', 'requires_confirmation', 'requires_action', 'requires_capture', 'processing'];

function unexpectedState(pi: PaymentIntent, verb: string, allowed: string[]) {
  return invalidRequest(
    `This PaymentIntent could not be ${verb} because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${verb}: ${allowed.join(', ')}.`,
    { code: 'payment_intent_unexpected_state' },
  );
}

function checkPaymentMethodOwner(pi: PaymentIntent, pm: PaymentMethod): void {
  if (pm.customer && pi.customer && pm.customer !== pi.customer) {
    throw invalidRequest('The provided PaymentMethod was previously attached to a different Customer.', { code: 'payment_method_unexpected_state', param: 'payment_method' });
  }
  if (pm.customer && !pi.customer) {
    throw invalidRequest(
      'The provided PaymentMethod belongs to a Customer, but you did not provide the customer parameter. Please provide the customer the PaymentMethod belongs to.',
      { code: 'payment_method_unexpected_state', param: 'payment_method' },
    );
  }
}

/** A declined attempt: failed charge, intent back to requires_payment_method, 402 card_error. */
function decline(world: World, pi: PaymentIntent, pm: PaymentMethod, reason: Decline): never {
  const charge = createCharge(world, pi, pm, { decline: reason, threeDSecure: false });
  pi.status = 'requires_payment_method';
  pi.latest_charge = charge.id;
  pi.next_action = null;
  pi.last_payment_error = {
    type: 'card_error',
    code: reason.code,
    ...(reason.declineCode ? { decline_code: reason.declineCode } : {}),
    message: reason.message,
    doc_url: `https://stripe.com/docs/error-codes/${reason.code.replace(/_/g, '-')}`,
    charge: charge.id,
    payment_method: snapshot(pm),
  };
  emit(world, 'charge.failed', charge);
  emit(world, 'payment_intent.payment_failed', pi);
  throw cardError(reason.message, reason.code, {
    ...(reason.declineCode ? { decline_code: reason.declineCode } : {}),
    charge: charge.id,
    payment_intent: snapshot(pi),
    payment_method: snapshot(pm),
  });
}

/**
 * Books a captured amount: the platform's `charge` balance transaction (pending for the
 * availability delay) and, for a destination charge, the transfer of amount − application fee.
 */
function settle(world: World, pi: PaymentIntent, charge: Charge, amount: number, fee: number | null): void {
  const pm = world.get<PaymentMethod>('payment_method', charge.payment_method);
  const immediately = profileOf(cardNumberOf(world, pm)).availableImmediately;
  const availableOn = world.now() + (immediately ? 0 : world.config.availableAfterSeconds);
  const txn = record(world, {
    owner: null,
    amount,
    currency: charge.currency,
    type: 'charge',
    reportingCategory: 'charge',
    source: charge.id,
    description: charge.description,
    availableOn,
  });
  charge.captured = true;
  charge.amount_captured = amount;
  charge.balance_transaction = txn.id;
  pi.status = 'succeeded';
  pi.amount_received = amount;
  pi.amount_capturable = 0;
  if (pi.transfer_data) {
    pi.application_fee_amount = fee;
    charge.application_fee_amount = fee;
    if (fee) {
      charge.application_fee = newId('fee');
      world.applicationFees.set(charge.application_fee, { amount: fee, refunded: 0 });
    }
    pi.transfer_group ??= `group_${pi.id}`;
    charge.transfer_group = pi.transfer_group;
    const transfer = createTransfer(world, {
      amount: amount - (fee ?? 0),
      currency: charge.currency,
      destination: pi.transfer_data.destination,
      sourceTransaction: charge.id,
      transferGroup: pi.transfer_group,
      availableOn,
    });
    charge.transfer = transfer.id;
  }
}

/** A card that passed: authorised (manual capture) or authorised and captured at once. */
function authorize(world: World, pi: PaymentIntent, pm: PaymentMethod, threeDSecure: boolean): void {
  const profile = profileOf(cardNumberOf(world, pm));
  if (profile.chargeDecline) decline(world, pi, pm, profile.chargeDecline);
  const charge = createCharge(world, pi, pm, { threeDSecure });
  pi.latest_charge = charge.id;
  pi.next_action = null;
  pi.last_payment_error = null;
  if (pi.capture_method === 'manual') {
    pi.status = 'requires_capture';
    pi.amount_capturable = pi.amount;
    emit(world, 'charge.succeeded', charge);
    emit(world, 'payment_intent.amount_capturable_updated', pi);
    return;
  }
  settle(world, pi, charge, pi.amount, pi.application_fee_amount);
  emit(world, 'charge.succeeded', charge);
  emit(world, 'payment_intent.succeeded', pi);
}

export function confirmPaymentIntent(world: World, pi: PaymentIntent, options: { pm?: PaymentMethod; offSession: boolean; baseUrl: string }): PaymentIntent {
  if (pi.status !== 'requires_payment_method' && pi.status !== 'requires_confirmation') {
    throw invalidRequest(
      `You cannot confirm this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be confirmed: requires_confirmation, requires_payment_method.`,
      { code: 'payment_intent_unexpected_state' },
    );
  }
  const pm = options.pm ?? (pi.payment_method ? world.get<PaymentMethod>('payment_method', pi.payment_method, 'payment_method') : undefined);
  if (!pm) {
    throw invalidRequest(
      "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
      { code: 'payment_intent_unexpected_state', param: 'payment_method' },
    );
  }
  checkPaymentMethodOwner(pi, pm);
  pi.payment_method = pm.id;
  pi.last_payment_error = null;
  world.paymentIntents.set(pi.id, { offSession: options.offSession });
  const profile = profileOf(cardNumberOf(world, pm));
  const setUp = world.cards.get(pm.id)?.setUp ?? false;
  const needsAuthentication =
    profile.authenticationOnPayment === 'always' || (profile.authenticationOnPayment === 'unless_set_up' && !(setUp && options.offSession));
  if (needsAuthentication) {
    if (options.offSession) decline(world, pi, pm, AUTHENTICATION_REQUIRED);
    pi.status = 'requires_action';
    pi.next_action = threeDSecureAction({ baseUrl: options.baseUrl }, pi.id);
    emit(world, 'payment_intent.requires_action', pi);
    return pi;
  }
  authorize(world, pi, pm, false);
  return pi;
}

/** The customer's 3-D Secure step for an intent in requires_action (what Stripe.js does). */
export function authenticatePaymentIntent(world: World, pi: PaymentIntent, outcome: 'succeed' | 'fail'): PaymentIntent {
  if (pi.status !== 'requires_action') throw unexpectedState(pi, 'authenticated', ['requires_action']);
  const pm = world.get<PaymentMethod>('payment_method', pi.payment_method!, 'payment_method');
  if (outcome === 'succeed') {
    authorize(world, pi, pm, true);
    return pi;
  }
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.payment_method = null;
  pi.last_payment_error = {
    type: 'invalid_request_error',
    code: 'payment_intent_authentication_failure',
    message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-authentication-failure',
    payment_method: snapshot(pm),
  };
  emit(world, 'payment_intent.payment_failed', pi);
  return pi;
}

/** An authorisation that passed its capture_before: the intent is canceled (reason automatic). */
export function expireAuthorization(world: World, pi: PaymentIntent, at: number): void {
  const charge = world.get<Charge>('charge', pi.latest_charge!);
  pi.status = 'canceled';
  pi.cancellation_reason = 'automatic';
  pi.canceled_at = at;
  pi.amount_capturable = 0;
  emit(world, 'charge.expired', charge, { at });
  emit(world, 'payment_intent.canceled', pi, { at });
}

function create(ctx: Ctx): PaymentIntent {
  const { world, params } = ctx;
  allowOnly(params, [
    'amount', 'currency', 'customer', 'payment_method', 'capture_method', 'confirm', 'off_session', 'payment_method_types',
    'transfer_data', 'application_fee_amount', 'on_behalf_of', 'metadata', 'description', 'statement_descriptor',
    'statement_descriptor_suffix', 'transfer_group', 'receipt_email', 'setup_future_usage', 'confirmation_method', 'return_url',
    'error_on_requires_action', 'payment_method_options', 'automatic_payment_methods', 'use_stripe_sdk', 'mandate_data', 'shipping',
  ]);
  const amount = requiredInt(params, 'amount', { min: 1 });
  const currency = requiredStr(params, 'currency').toLowerCase();
  if (!/^[a-z]{3}$/.test(currency)) throw invalidRequest(`Invalid currency: ${currency}.`, { code: 'parameter_invalid_string', param: 'currency' });
  if (currency === 'usd' && amount < 50) throw invalidRequest('Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
  if (amount > 99_999_999) throw invalidRequest('Amount must be no more than $999,999.99', { code: 'amount_too_large', param: 'amount' });
  const customerId = str(params, 'customer');
  if (customerId) customerOf(world, customerId);
  const confirm = bool(params, 'confirm') ?? false;
  const offSession = bool(params, 'off_session') ?? false;
  if (params.off_session !== undefined && !confirm) {
    throw invalidRequest('You can only pass off_session when confirm is set to true.', { param: 'off_session' });
  }
  const destinationId = str(params, 'transfer_data[destination]');
  if (params.transfer_data !== undefined && !destinationId) throw invalidRequest('Missing required param: transfer_data[destination].', { code: 'parameter_missing', param: 'transfer_data[destination]' });
  if (destinationId) transferDestination(world, destinationId, 'transfer_data[destination]');
  const onBehalfOf = str(params, 'on_behalf_of');
  if (onBehalfOf) world.get<Account>('account', onBehalfOf, 'on_behalf_of');
  const fee = int(params, 'application_fee_amount', { min: 0 });
  if (fee !== undefined && !destinationId) {
    throw invalidRequest(
      'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
      { param: 'application_fee_amount' },
    );
  }
  if (fee !== undefined && fee > amount) throw invalidRequest('The application fee cannot be greater than the amount.', { param: 'application_fee_amount' });
  const captureMethod = (str(params, 'capture_method', { oneOf: ['automatic', 'automatic_async', 'manual'] }) ?? 'automatic_async') as PaymentIntent['capture_method'];
  const pmId = str(params, 'payment_method');
  const pm = pmId ? resolvePaymentMethod(world, pmId) : undefined;
  const pi: PaymentIntent = {
    id: newId('pi'),
    object: 'payment_intent',
    amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: fee ?? null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: captureMethod,
    client_secret: '',
    confirmation_method: (str(params, 'confirmation_method', { oneOf: ['automatic', 'manual'] }) as PaymentIntent['confirmation_method']) ?? 'automatic',
    created: world.now(),
    currency,
    customer: customerId ?? null,
    description: str(params, 'description') ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: metadataOf(params),
    next_action: null,
    on_behalf_of: onBehalfOf ?? null,
    payment_method: pm?.id ?? null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: cardTypes(params),
    processing: null,
    receipt_email: str(params, 'receipt_email') ?? null,
    review: null,
    setup_future_usage: str(params, 'setup_future_usage') ?? null,
    shipping: null,
    source: null,
    statement_descriptor: str(params, 'statement_descriptor') ?? null,
    statement_descriptor_suffix: str(params, 'statement_descriptor_suffix') ?? null,
    status: pm ? 'requires_confirmation' : 'requires_payment_method',
    transfer_data: destinationId ? { destination: destinationId } : null,
    transfer_group: str(params, 'transfer_group') ?? null,
  };
  pi.client_secret = clientSecret(pi.id);
  if (pm) checkPaymentMethodOwner(pi, pm);
  world.put(pi);
  emit(world, 'payment_intent.created', pi);
  if (confirm) confirmPaymentIntent(world, pi, { ...(pm ? { pm } : {}), offSession, baseUrl: ctx.baseUrl });
  return pi;
}

function confirm(ctx: Ctx): PaymentIntent {
  const { world, params, path } = ctx;
  allowOnly(params, ['payment_method', 'off_session', 'receipt_email', 'setup_future_usage', 'error_on_requires_action', 'capture_method', ...CLIENT_PARAMS]);
  const pi = world.get<PaymentIntent>('payment_intent', path.id!, 'intent');
  checkClientSecret(ctx, pi);
  const pmId = str(params, 'payment_method');
  const pm = pmId ? resolvePaymentMethod(world, pmId) : undefined;
  const offSession = ctx.keyKind === 'secret' && (bool(params, 'off_session') ?? false);
  return confirmPaymentIntent(world, pi, { ...(pm ? { pm } : {}), offSession, baseUrl: ctx.baseUrl });
}

function capture({ world, params, path }: Ctx): PaymentIntent {
  allowOnly(params, ['amount_to_capture', 'application_fee_amount', 'metadata', 'statement_descriptor', 'statement_descriptor_suffix', 'final_capture']);
  const pi = world.get<PaymentIntent>('payment_intent', path.id!, 'intent');
  if (pi.status !== 'requires_capture') throw unexpectedState(pi, 'captured', ['requires_capture']);
  const amount = int(params, 'amount_to_capture', { min: 1 }) ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw invalidRequest(`The amount_to_capture (${amount}) must be less than or equal to the amount_capturable (${pi.amount_capturable}).`, {
      code: 'amount_too_large',
      param: 'amount_to_capture',
    });
  }
  const fee = int(params, 'application_fee_amount', { min: 0 });
  if (fee !== undefined && !pi.transfer_data) {
    throw invalidRequest('Can only apply an application_fee_amount when the PaymentIntent is attempting a destination payment (using `transfer_data[destination]`).', { param: 'application_fee_amount' });
  }
  const appliedFee = fee ?? pi.application_fee_amount;
  if (appliedFee !== null && appliedFee > amount) throw invalidRequest('The application fee cannot be greater than the amount to capture.', { param: 'application_fee_amount' });
  pi.metadata = mergeMetadata(pi.metadata, params);
  const charge = world.get<Charge>('charge', pi.latest_charge!);
  settle(world, pi, charge, amount, appliedFee);
  emit(world, 'charge.captured', charge);
  emit(world, 'payment_intent.succeeded', pi);
  return pi;
}

function cancel({ world, params, path }: Ctx): PaymentIntent {
  allowOnly(params, ['cancellation_reason']);
  const reason = str(params, 'cancellation_reason', { oneOf: ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] });
  const pi = world.get<PaymentIntent>('payment_intent', path.id!, 'intent');
  if (!UNCAPTURED.includes(pi.status)) throw unexpectedState(pi, 'canceled', UNCAPTURED);
  pi.status = 'canceled';
  pi.cancellation_reason = reason ?? null;
  pi.canceled_at = world.now();
  pi.amount_capturable = 0;
  pi.next_action = null;
  emit(world, 'payment_intent.canceled', pi);
  return pi;
}

function update({ world, params, path }: Ctx): PaymentIntent {
  allowOnly(params, ['amount', 'metadata', 'description', 'payment_method', 'customer', 'application_fee_amount', 'receipt_email', 'statement_descriptor_suffix', 'transfer_group']);
  const pi = world.get<PaymentIntent>('payment_intent', path.id!, 'intent');
  if (pi.status === 'succeeded' || pi.status === 'canceled') throw unexpectedState(pi, 'updated', UNCAPTURED);
  pi.metadata = mergeMetadata(pi.metadata, params);
  const amount = int(params, 'amount', { min: 1 });
  if (amount !== undefined) {
    if (pi.status === 'requires_capture') throw unexpectedState(pi, 'updated', ['requires_payment_method', 'requires_confirmation', 'requires_action']);
    pi.amount = amount;
  }
  for (const field of ['description', 'receipt_email', 'statement_descriptor_suffix', 'transfer_group'] as const) {
    const value = str(params, field);
    if (value !== undefined) pi[field] = value;
  }
  const fee = int(params, 'application_fee_amount', { min: 0 });
  if (fee !== undefined) pi.application_fee_amount = fee;
  const customerId = str(params, 'customer');
  if (customerId) pi.customer = customerOf(world, customerId).id;
  const pmId = str(params, 'payment_method');
  if (pmId) {
    const pm = resolvePaymentMethod(world, pmId);
    checkPaymentMethodOwner(pi, pm);
    pi.payment_method = pm.id;
    if (pi.status === 'requires_payment_method') pi.status = 'requires_confirmation';
  }
  return pi;
}

function retrieve(ctx: Ctx): PaymentIntent {
  allowOnly(ctx.params, ['client_secret']);
  const pi = ctx.world.get<PaymentIntent>('payment_intent', ctx.path.id!, 'intent');
  checkClientSecret(ctx, pi);
  return pi;
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['customer', 'limit', 'starting_after', 'ending_before', 'created']);
  const customer = str(params, 'customer');
  const items = world.all<PaymentIntent>('payment_intent').filter((pi) => !customer || pi.customer === customer);
  return paginate(newestFirst(items), params, '/v1/payment_intents');
}

export const paymentIntentRoutes: Route[] = [
  route('POST', '/v1/payment_intents', create),
  route('GET', '/v1/payment_intents', list),
  route('GET', '/v1/payment_intents/:id', retrieve, { publishable: true }),
  route('POST', '/v1/payment_intents/:id', update),
  route('POST', '/v1/payment_intents/:id/confirm', confirm, { publishable: true }),
  route('POST', '/v1/payment_intents/:id/capture', capture),
  route('POST', '/v1/payment_intents/:id/cancel', cancel),
];
