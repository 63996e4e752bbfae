import { profileOf, luhnValid, TEST_TOKENS } from '../cards';
import { cardError, invalidRequest, missingParam } from '../errors';
import { changes, emit, snapshot } from '../events';
import { newId } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, int, mergeMetadata, metadataOf, record, requiredStr, str, type Params } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Customer, PaymentMethod } from '../types';
import type { World } from '../world';

interface CardInput {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc?: string;
}

function billingDetails(params: Params): PaymentMethod['billing_details'] {
  const input = record(params, 'billing_details') ?? {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const address = (input.address ?? {}) as Record<string, unknown>;
  return {
    address: {
      city: text(address.city),
      country: text(address.country),
      line1: text(address.line1),
      line2: text(address.line2),
      postal_code: text(address.postal_code),
      state: text(address.state),
    } as Record<string, null>,
    email: text(input.email),
    name: text(input.name),
    phone: text(input.phone),
    tax_id: null,
  };
}

/** A card PaymentMethod, checked as Stripe checks raw card details (Luhn, expiry). */
export function createCardPaymentMethod(world: World, card: CardInput, params: Params = {}): PaymentMethod {
  const number = card.number.replace(/[\s-]/g, '');
  if (!luhnValid(number)) throw cardError('Your card number is incorrect.', 'incorrect_number', { param: 'number' });
  if (!Number.isInteger(card.exp_month) || card.exp_month < 1 || card.exp_month > 12) {
    throw cardError("Your card's expiration month is invalid.", 'invalid_expiry_month', { param: 'exp_month' });
  }
  const year = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  const now = new Date(world.clock.nowMs());
  const expired = year < now.getUTCFullYear() || (year === now.getUTCFullYear() && card.exp_month < now.getUTCMonth() + 1);
  if (expired) throw cardError('Your card has expired.', 'expired_card', { param: 'exp_year', decline_code: 'expired_card' });
  if (year > now.getUTCFullYear() + 50) throw cardError("Your card's expiration year is invalid.", 'invalid_expiry_year', { param: 'exp_year' });
  if (card.cvc !== undefined && !/^\d{3,4}$/.test(card.cvc)) throw cardError("Your card's security code is invalid.", 'invalid_cvc', { param: 'cvc' });
  const profile = profileOf(number);
  const pm: PaymentMethod = {
    id: newId('pm'),
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: billingDetails(params),
    card: {
      brand: profile.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: card.cvc ? 'pass' : 'unchecked' },
      country: profile.country,
      display_brand: profile.brand,
      exp_month: card.exp_month,
      exp_year: year,
      fingerprint: world.fingerprint(number),
      funding: profile.funding,
      generated_from: null,
      last4: number.slice(-4),
      networks: { available: [profile.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: world.now(),
    customer: null,
    livemode: false,
    metadata: metadataOf(params),
    type: 'card',
  };
  world.cards.set(pm.id, { number, setUp: false });
  return world.put(pm);
}

/** A PaymentMethod id, or one of Stripe's test tokens (`pm_card_visa`), which makes a fresh card. */
export function resolvePaymentMethod(world: World, idOrToken: string, param = 'payment_method'): PaymentMethod {
  const token = TEST_TOKENS[idOrToken];
  if (token) {
    const now = new Date(world.clock.nowMs());
    return createCardPaymentMethod(world, { number: token, exp_month: now.getUTCMonth() + 1, exp_year: now.getUTCFullYear() + 3, cvc: '314' });
  }
  return world.get<PaymentMethod>('payment_method', idOrToken, param);
}

export function cardNumberOf(world: World, pm: PaymentMethod): string {
  return world.cards.get(pm.id)?.number ?? '4242424242424242';
}

/** Attaches a PaymentMethod to a customer (payment_method.attached). */
export function attach(world: World, pm: PaymentMethod, customer: Customer): void {
  if (pm.customer === customer.id) return;
  if (pm.customer) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', { code: 'payment_method_unexpected_state', param: 'payment_method' });
  }
  pm.customer = customer.id;
  emit(world, 'payment_method.attached', pm);
}

/** Detaches it (payment_method.detached); the customer's default PaymentMethod is unset if it was this one. */
export function detach(world: World, pm: PaymentMethod): void {
  if (!pm.customer) {
    throw invalidRequest(`The payment method you provided is not attached to a customer so detachment is impossible.`, { code: 'payment_method_unexpected_state', param: 'payment_method' });
  }
  const customer = world.find<Customer>(pm.customer, 'customer');
  const before = snapshot(pm);
  pm.customer = null;
  emit(world, 'payment_method.detached', pm, { previous: changes(before, pm) });
  if (customer && customer.invoice_settings.default_payment_method === pm.id) {
    const previous = snapshot(customer);
    customer.invoice_settings.default_payment_method = null;
    emit(world, 'customer.updated', customer, { previous: changes(previous, customer) });
  }
}

export function listOfCustomer(world: World, customerId: string, params: Params, url: string) {
  const type = str(params, 'type');
  if (type && type !== 'card') return paginate([], params, url);
  const items = world.all<PaymentMethod>('payment_method').filter((pm) => pm.customer === customerId);
  return paginate(newestFirst(items), params, url);
}

function create({ world, params }: Ctx): PaymentMethod {
  allowOnly(params, ['type', 'card', 'billing_details', 'metadata', 'customer', 'payment_method', 'allow_redisplay']);
  const type = requiredStr(params, 'type');
  if (type !== 'card') throw invalidRequest(`The payment method type '${type}' is not supported by this emulator.`, { param: 'type' });
  const card = record(params, 'card');
  if (!card) throw missingParam('card');
  const tokenised = typeof card.token === 'string' ? TEST_TOKENS[card.token.replace(/^tok_/, 'pm_card_')] : undefined;
  const number = tokenised ?? str(params, 'card[number]', { required: true })!;
  const expMonth = tokenised ? 12 : int(params, 'card[exp_month]', { required: true })!;
  const expYear = tokenised ? new Date(world.clock.nowMs()).getUTCFullYear() + 3 : int(params, 'card[exp_year]', { required: true })!;
  const cvc = str(params, 'card[cvc]');
  return createCardPaymentMethod(world, { number, exp_month: expMonth, exp_year: expYear, ...(cvc ? { cvc } : {}) }, params);
}

function update({ world, params, path }: Ctx): PaymentMethod {
  allowOnly(params, ['metadata', 'billing_details', 'card', 'allow_redisplay']);
  const pm = world.get<PaymentMethod>('payment_method', path.id!);
  const before = snapshot(pm);
  pm.metadata = mergeMetadata(pm.metadata, params);
  if (params.billing_details !== undefined) pm.billing_details = billingDetails(params);
  const expMonth = int(params, 'card[exp_month]', { min: 1, max: 12 });
  const expYear = int(params, 'card[exp_year]');
  if (expMonth !== undefined) pm.card.exp_month = expMonth;
  if (expYear !== undefined) pm.card.exp_year = expYear;
  emit(world, 'payment_method.updated', pm, { previous: changes(before, pm) });
  return pm;
}

function attachRoute({ world, params, path }: Ctx): PaymentMethod {
  allowOnly(params, ['customer']);
  const customer = world.get<Customer>('customer', requiredStr(params, 'customer'), 'customer');
  const pm = resolvePaymentMethod(world, path.id!, 'payment_method');
  attach(world, pm, customer);
  return pm;
}

function detachRoute({ world, path }: Ctx): PaymentMethod {
  const pm = world.get<PaymentMethod>('payment_method', path.id!);
  detach(world, pm);
  return pm;
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['customer', 'type', 'limit', 'starting_after', 'ending_before']);
  const customer = str(params, 'customer');
  if (!customer) return paginate([], params, '/v1/payment_methods');
  world.get<Customer>('customer', customer, 'customer');
  return listOfCustomer(world, customer, params, '/v1/payment_methods');
}

export const paymentMethodRoutes: Route[] = [
  route('POST', '/v1/payment_methods', create, { publishable: true }),
  route('GET', '/v1/payment_methods', list),
  route('GET', '/v1/payment_methods/:id', ({ world, params, path }) => {
    allowOnly(params, ['expand']);
    return resolveForRetrieve(world, path.id!);
  }),
  route('POST', '/v1/payment_methods/:id', update),
  route('POST', '/v1/payment_methods/:id/attach', attachRoute),
  route('POST', '/v1/payment_methods/:id/detach', detachRoute),
];

function resolveForRetrieve(world: World, id: string): PaymentMethod {
  return TEST_TOKENS[id] ? resolvePaymentMethod(world, id, 'id') : world.get<PaymentMethod>('payment_method', id);
}
