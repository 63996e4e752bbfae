import { invalidRequest } from '../errors';
import { changes, emit, snapshot } from '../events';
import { newId, randomToken } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, has, mergeMetadata, metadataOf, str, type Params } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Customer, PaymentMethod } from '../types';
import type { World } from '../world';
import { attach, detach, listOfCustomer, resolvePaymentMethod } from './payment-methods';

const FIELDS = ['name', 'email', 'description', 'phone', 'metadata', 'invoice_settings', 'address', 'preferred_locales'];

/** A customer that exists and is not deleted (404 otherwise). */
export function customerOf(world: World, id: string, param = 'customer'): Customer {
  return world.get<Customer>('customer', id, param);
}

function setDefaultPaymentMethod(world: World, customer: Customer, params: Params): void {
  if (!has(params, 'invoice_settings[default_payment_method]')) return;
  const id = str(params, 'invoice_settings[default_payment_method]');
  if (!id) {
    customer.invoice_settings.default_payment_method = null;
    return;
  }
  const pm = world.find<PaymentMethod>(id, 'payment_method');
  if (!pm || pm.customer !== customer.id) {
    throw invalidRequest(`No such PaymentMethod: '${id}'; It's possible this PaymentMethod exists on one of your connected accounts, in which case you should retry this request on that connected account.`, {
      code: 'resource_missing',
      param: 'invoice_settings[default_payment_method]',
    });
  }
  customer.invoice_settings.default_payment_method = pm.id;
}

function create({ world, params }: Ctx): Customer {
  allowOnly(params, [...FIELDS, 'payment_method']);
  const customer: Customer = {
    id: newId('cus'),
    object: 'customer',
    address: (params.address as Record<string, unknown>) ?? null,
    balance: 0,
    created: world.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: str(params, 'description') ?? null,
    email: str(params, 'email') ?? null,
    invoice_prefix: randomToken(8).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: metadataOf(params),
    name: str(params, 'name') ?? null,
    phone: str(params, 'phone') ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  const pmId = str(params, 'payment_method');
  const pm = pmId ? resolvePaymentMethod(world, pmId) : undefined;
  world.put(customer);
  emit(world, 'customer.created', customer);
  if (pm) attach(world, pm, customer);
  if (has(params, 'invoice_settings[default_payment_method]')) {
    setDefaultPaymentMethod(world, customer, params);
  }
  return customer;
}

function update({ world, params, path }: Ctx): Customer {
  allowOnly(params, FIELDS);
  const customer = customerOf(world, path.id!, 'id');
  const before = snapshot(customer);
  for (const field of ['name', 'email', 'description', 'phone'] as const) {
    if (has(params, field)) customer[field] = str(params, field) ?? null;
  }
  customer.metadata = mergeMetadata(customer.metadata, params);
  setDefaultPaymentMethod(world, customer, params);
  const previous = changes(before, customer);
  if (Object.keys(previous).length) emit(world, 'customer.updated', customer, { previous });
  return customer;
}

function retrieve({ world, path }: Ctx): unknown {
  const found = world.find<Customer>(path.id!, 'customer');
  if (found && (found as { deleted?: boolean }).deleted) return { id: found.id, object: 'customer', deleted: true };
  return customerOf(world, path.id!, 'id');
}

function remove({ world, path }: Ctx): unknown {
  const customer = customerOf(world, path.id!, 'id');
  for (const pm of world.all<PaymentMethod>('payment_method')) {
    if (pm.customer === customer.id) detach(world, pm);
  }
  emit(world, 'customer.deleted', customer);
  (customer as unknown as { deleted: boolean }).deleted = true;
  return { id: customer.id, object: 'customer', deleted: true };
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['email', 'limit', 'starting_after', 'ending_before', 'created']);
  const email = str(params, 'email');
  const items = world
    .all<Customer>('customer')
    .filter((c) => !(c as { deleted?: boolean }).deleted && (!email || c.email === email));
  return paginate(newestFirst(items), params, '/v1/customers');
}

export const customerRoutes: Route[] = [
  route('POST', '/v1/customers', create),
  route('GET', '/v1/customers', list),
  route('GET', '/v1/customers/:id', retrieve),
  route('POST', '/v1/customers/:id', update),
  route('DELETE', '/v1/customers/:id', remove),
  route('GET', '/v1/customers/:id/payment_methods', ({ world, params, path }) => {
    allowOnly(params, ['type', 'limit', 'starting_after', 'ending_before', 'allow_redisplay']);
    customerOf(world, path.id!, 'customer');
    return listOfCustomer(world, path.id!, params, `/v1/customers/${path.id}/payment_methods`);
  }),
  route('GET', '/v1/customers/:id/payment_methods/:pm', ({ world, path }) => {
    const pm = world.get<PaymentMethod>('payment_method', path.pm!);
    if (pm.customer !== path.id) throw invalidRequest(`No such PaymentMethod: '${path.pm}'`, { code: 'resource_missing', param: 'payment_method', status: 404 });
    return pm;
  }),
];
