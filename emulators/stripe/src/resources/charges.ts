import type { Decline } from '../cards';
import { newId, randomToken } from '../ids';
import { newestFirst, paginate } from '../lists';
import { allowOnly, mergeMetadata, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Charge, PaymentIntent, PaymentMethod } from '../types';
import type { World } from '../world';

/**
 * The charge of one confirmation attempt: an authorisation (succeeded, not yet captured, with
 * `capture_before` on the card details) or a decline (failed, with the issuer's reason).
 */
export function createCharge(world: World, pi: PaymentIntent, pm: PaymentMethod, outcome: { decline?: Decline; threeDSecure: boolean }): Charge {
  const now = world.now();
  const { decline } = outcome;
  const card = pm.card;
  const charge: Charge = {
    id: newId('ch'),
    object: 'charge',
    amount: pi.amount,
    amount_captured: 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: structuredClone(pm.billing_details),
    calculated_statement_descriptor: `INSTAINSTRU${pi.statement_descriptor_suffix ? `* ${pi.statement_descriptor_suffix}` : ''}`.slice(0, 22),
    captured: false,
    created: now,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    destination: pi.transfer_data?.destination ?? null,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: pi.on_behalf_of,
    outcome: decline
      ? {
          network_status: 'declined_by_network',
          reason: decline.declineCode ?? null,
          risk_level: 'normal',
          risk_score: 20,
          seller_message: 'The bank did not return any further details with this decline.',
          type: 'issuer_declined',
        }
      : { network_status: 'approved_by_network', reason: null, risk_level: 'normal', risk_score: 20, seller_message: 'Payment complete.', type: 'authorized' },
    paid: !decline,
    payment_intent: pi.id,
    payment_method: pm.id,
    payment_method_details: {
      card: {
        amount_authorized: decline ? 0 : pi.amount,
        brand: card.brand,
        capture_before: now + world.config.authorizationValiditySeconds,
        checks: structuredClone(card.checks),
        country: card.country,
        exp_month: card.exp_month,
        exp_year: card.exp_year,
        fingerprint: card.fingerprint,
        funding: card.funding,
        last4: card.last4,
        network: card.brand,
        networks: structuredClone(card.networks),
        regulated_status: 'unregulated',
        three_d_secure: outcome.threeDSecure ? { authentication_flow: 'challenge', result: 'authenticated', version: '2.2.0' } : null,
      },
      type: 'card',
    },
    receipt_email: null,
    receipt_url: `https://pay.stripe.com/receipts/emulator/${randomToken(24)}`,
    refunded: false,
    review: null,
    source_transfer: null,
    statement_descriptor: pi.statement_descriptor,
    statement_descriptor_suffix: pi.statement_descriptor_suffix,
    status: decline ? 'failed' : 'succeeded',
    transfer: null,
    transfer_data: pi.transfer_data ? { amount: null, destination: pi.transfer_data.destination } : null,
    transfer_group: pi.transfer_group,
  };
  return world.put(charge);
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['customer', 'payment_intent', 'transfer_group', 'limit', 'starting_after', 'ending_before', 'created']);
  const customer = str(params, 'customer');
  const pi = str(params, 'payment_intent');
  const items = world.all<Charge>('charge').filter((c) => (!customer || c.customer === customer) && (!pi || c.payment_intent === pi));
  return paginate(newestFirst(items), params, '/v1/charges');
}

export const chargeRoutes: Route[] = [
  route('GET', '/v1/charges', list),
  route('GET', '/v1/charges/:id', ({ world, path }) => world.get<Charge>('charge', path.id!)),
  route('POST', '/v1/charges/:id', ({ world, params, path }) => {
    allowOnly(params, ['metadata', 'description']);
    const charge = world.get<Charge>('charge', path.id!);
    charge.metadata = mergeMetadata(charge.metadata, params);
    return charge;
  }),
];
