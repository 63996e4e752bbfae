import { profileOf } from '../cards';
import { invalidRequest } from '../errors';
import { emit, snapshot } from '../events';
import { clientSecret, newId } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, bool, mergeMetadata, metadataOf, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { PaymentMethod, SetupIntent } from '../types';
import type { World } from '../world';
import { customerOf } from './customers';
import { CLIENT_PARAMS, cardTypes, checkClientSecret, threeDSecureAction } from './intents-common';
import { attach, cardNumberOf, resolvePaymentMethod } from './payment-methods';

const unexpectedState = (si: SetupIntent, action: string, allowed: string[]) =>
  invalidRequest(
    `You cannot ${action} this SetupIntent because it has a status of ${si.status}. Only a SetupIntent with one of the following statuses may be ${action === 'confirm' ? 'confirmed' : `${action}ed`}: ${allowed.join(', ')}.`,
    { code: 'setup_intent_unexpected_state' },
  );

function checkPaymentMethodOwner(si: SetupIntent, pm: PaymentMethod): void {
  if (pm.customer && si.customer && pm.customer !== si.customer) {
    throw invalidRequest('The provided PaymentMethod was previously attached to a different Customer.', { code: 'payment_method_unexpected_state', param: 'payment_method' });
  }
}

/** Setup succeeded: the card is attached to the customer and marked as set up for off-session use. */
function succeed(world: World, si: SetupIntent, pm: PaymentMethod): void {
  si.status = 'succeeded';
  si.payment_method = pm.id;
  si.next_action = null;
  si.last_setup_error = null;
  const state = world.cards.get(pm.id);
  if (state && si.usage === 'off_session') state.setUp = true;
  if (si.customer) attach(world, pm, customerOf(world, si.customer));
  emit(world, 'setup_intent.succeeded', si);
}

export function confirmSetupIntent(world: World, si: SetupIntent, pm: PaymentMethod | undefined, baseUrl: string): SetupIntent {
  if (si.status !== 'requires_payment_method' && si.status !== 'requires_confirmation') {
    throw unexpectedState(si, 'confirm', ['requires_confirmation', 'requires_payment_method']);
  }
  const method = pm ?? (si.payment_method ? world.get<PaymentMethod>('payment_method', si.payment_method, 'payment_method') : undefined);
  if (!method) {
    throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.", {
      code: 'setup_intent_unexpected_state',
      param: 'payment_method',
    });
  }
  checkPaymentMethodOwner(si, method);
  si.payment_method = method.id;
  si.last_setup_error = null;
  if (profileOf(cardNumberOf(world, method)).authenticationAtSetup) {
    si.status = 'requires_action';
    si.next_action = threeDSecureAction({ baseUrl }, si.id);
    emit(world, 'setup_intent.requires_action', si);
    return si;
  }
  succeed(world, si, method);
  return si;
}

/** The customer's 3-D Secure step (what Stripe.js does in the browser). */
export function authenticateSetupIntent(world: World, si: SetupIntent, outcome: 'succeed' | 'fail'): SetupIntent {
  if (si.status !== 'requires_action') throw unexpectedState(si, 'authenticate', ['requires_action']);
  const pm = world.get<PaymentMethod>('payment_method', si.payment_method!, 'payment_method');
  if (outcome === 'succeed') {
    succeed(world, si, pm);
    return si;
  }
  si.status = 'requires_payment_method';
  si.next_action = null;
  si.payment_method = null;
  si.last_setup_error = {
    type: 'invalid_request_error',
    code: 'setup_intent_authentication_failure',
    message: 'The latest attempt to set up the payment method has failed because authentication failed.',
    doc_url: 'https://stripe.com/docs/error-codes/setup-intent-authentication-failure',
    payment_method: snapshot(pm),
  };
  emit(world, 'setup_intent.setup_failed', si);
  return si;
}

function create(ctx: Ctx): SetupIntent {
  const { world, params } = ctx;
  allowOnly(params, [
    'customer', 'usage', 'payment_method_types', 'metadata', 'payment_method', 'confirm', 'description', 'on_behalf_of',
    'return_url', 'payment_method_options', 'mandate_data', 'automatic_payment_methods', 'flow_directions', 'use_stripe_sdk',
  ]);
  const customerId = str(params, 'customer');
  if (customerId) customerOf(world, customerId);
  const pmId = str(params, 'payment_method');
  const pm = pmId ? resolvePaymentMethod(world, pmId) : undefined;
  const si: SetupIntent = {
    id: newId('seti'),
    object: 'setup_intent',
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: '',
    created: world.now(),
    customer: customerId ?? null,
    description: str(params, 'description') ?? null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: metadataOf(params),
    next_action: null,
    on_behalf_of: str(params, 'on_behalf_of') ?? null,
    payment_method: pm?.id ?? null,
    payment_method_options: { card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
    payment_method_types: cardTypes(params),
    single_use_mandate: null,
    status: pm ? 'requires_confirmation' : 'requires_payment_method',
    usage: (str(params, 'usage', { oneOf: ['off_session', 'on_session'] }) as SetupIntent['usage']) ?? 'off_session',
  };
  si.client_secret = clientSecret(si.id);
  if (pm) checkPaymentMethodOwner(si, pm);
  world.put(si);
  emit(world, 'setup_intent.created', si);
  if (bool(params, 'confirm')) confirmSetupIntent(world, si, pm, ctx.baseUrl);
  return si;
}

function confirm(ctx: Ctx): SetupIntent {
  const { world, params, path } = ctx;
  allowOnly(params, ['payment_method', ...CLIENT_PARAMS]);
  const si = world.get<SetupIntent>('setup_intent', path.id!, 'intent');
  checkClientSecret(ctx, si);
  const pmId = str(params, 'payment_method');
  return confirmSetupIntent(world, si, pmId ? resolvePaymentMethod(world, pmId) : undefined, ctx.baseUrl);
}

function update({ world, params, path }: Ctx): SetupIntent {
  allowOnly(params, ['metadata', 'description', 'customer', 'payment_method', 'payment_method_types']);
  const si = world.get<SetupIntent>('setup_intent', path.id!, 'intent');
  if (si.status === 'succeeded' || si.status === 'canceled') throw unexpectedState(si, 'update', ['requires_payment_method', 'requires_confirmation', 'requires_action']);
  si.metadata = mergeMetadata(si.metadata, params);
  const description = str(params, 'description');
  if (description !== undefined) si.description = description;
  const customerId = str(params, 'customer');
  if (customerId) si.customer = customerOf(world, customerId).id;
  const pmId = str(params, 'payment_method');
  if (pmId) {
    const pm = resolvePaymentMethod(world, pmId);
    checkPaymentMethodOwner(si, pm);
    si.payment_method = pm.id;
    si.status = 'requires_confirmation';
  }
  return si;
}

function cancel({ world, params, path }: Ctx): SetupIntent {
  allowOnly(params, ['cancellation_reason']);
  const si = world.get<SetupIntent>('setup_intent', path.id!, 'intent');
  const reason = str(params, 'cancellation_reason', { oneOf: ['abandoned', 'requested_by_customer', 'duplicate'] });
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status)) {
    throw unexpectedState(si, 'cancel', ['requires_payment_method', 'requires_confirmation', 'requires_action']);
  }
  si.status = 'canceled';
  si.cancellation_reason = reason ?? null;
  si.next_action = null;
  emit(world, 'setup_intent.canceled', si);
  return si;
}

function retrieve(ctx: Ctx): SetupIntent {
  allowOnly(ctx.params, ['client_secret']);
  const si = ctx.world.get<SetupIntent>('setup_intent', ctx.path.id!, 'intent');
  checkClientSecret(ctx, si);
  return si;
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['customer', 'payment_method', 'limit', 'starting_after', 'ending_before', 'created', 'attach_to_self']);
  const customer = str(params, 'customer');
  const pm = str(params, 'payment_method');
  const items = world.all<SetupIntent>('setup_intent').filter((si) => (!customer || si.customer === customer) && (!pm || si.payment_method === pm));
  return paginate(newestFirst(items), params, '/v1/setup_intents');
}

export const setupIntentRoutes: Route[] = [
  route('POST', '/v1/setup_intents', create),
  route('GET', '/v1/setup_intents', list),
  route('GET', '/v1/setup_intents/:id', retrieve, { publishable: true }),
  route('POST', '/v1/setup_intents/:id', update),
  route('POST', '/v1/setup_intents/:id/confirm', confirm, { publishable: true }),
  route('POST', '/v1/setup_intents/:id/cancel', cancel),
];
