import { invalidRequest } from '../errors';
import { changes, emit, snapshot } from '../events';
import { newId } from '../ids';
import { record } from '../ledger';
import { newestFirst, paginate } from '../lists';
import { allowOnly, bool, int, mergeMetadata, metadataOf, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Charge, PaymentIntent, Refund, Transfer } from '../types';
import { reverseTransfer } from './transfers';

/**
 * Refunds of captured charges. For a destination charge of C with application fee F (the
 * destination received C − F), a refund of R:
 *   reverse_transfer        takes round((C − F)·R / C) back from the destination;
 *   refund_application_fee  gives up the proportional fee round(F·R / C);
 * and the fee share is moved between destination and platform so each ends where Stripe leaves
 * it: with reverse_transfer but without refund_application_fee the destination also pays the
 * fee share (the platform keeps its whole fee); with refund_application_fee but without
 * reverse_transfer the platform returns the fee share to the destination.
 */
function create({ world, params }: Ctx): Refund {
  allowOnly(params, ['payment_intent', 'charge', 'amount', 'reason', 'reverse_transfer', 'refund_application_fee', 'metadata', 'instructions_email']);
  const piId = str(params, 'payment_intent');
  const chargeId = str(params, 'charge');
  if (!piId && !chargeId) throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing', param: 'charge' });
  let charge: Charge;
  if (chargeId) {
    charge = world.get<Charge>('charge', chargeId, 'charge');
  } else {
    const pi = world.get<PaymentIntent>('payment_intent', piId!, 'payment_intent');
    if (!pi.latest_charge || pi.status !== 'succeeded') {
      throw invalidRequest(`This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, { code: 'charge_not_refundable', param: 'payment_intent' });
    }
    charge = world.get<Charge>('charge', pi.latest_charge);
  }
  if (!charge.captured) {
    throw invalidRequest(`Charge ${charge.id} has not been captured; cancel its PaymentIntent to release the authorisation.`, { code: 'charge_not_refundable', param: chargeId ? 'charge' : 'payment_intent' });
  }
  const remaining = charge.amount_captured - charge.amount_refunded;
  if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, { code: 'charge_already_refunded' });
  const amount = int(params, 'amount', { min: 1 }) ?? remaining;
  if (amount > remaining) {
    throw invalidRequest(`Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`, {
      code: 'amount_too_large',
      param: 'amount',
    });
  }
  const reverse = bool(params, 'reverse_transfer') ?? false;
  const refundFee = bool(params, 'refund_application_fee') ?? false;
  if ((reverse || refundFee) && !charge.transfer) {
    throw invalidRequest('This charge has no transfer to reverse: reverse_transfer and refund_application_fee apply to destination charges.', { param: reverse ? 'reverse_transfer' : 'refund_application_fee' });
  }
  const id = newId('re');
  const txn = record(world, { owner: null, amount: -amount, currency: charge.currency, type: 'refund', reportingCategory: 'refund', source: id });
  let reversalId: string | null = null;
  if (charge.transfer) {
    const transfer = world.get<Transfer>('transfer', charge.transfer);
    const captured = charge.amount_captured;
    const fee = charge.application_fee_amount ?? 0;
    const feeShare = Math.round((fee * amount) / captured);
    if (reverse) reversalId = reverseTransfer(world, transfer, Math.round(((captured - fee) * amount) / captured), id)?.id ?? null;
    const state = charge.application_fee ? world.applicationFees.get(charge.application_fee) : undefined;
    if (refundFee && state) state.refunded = Math.min(state.amount, state.refunded + feeShare);
    const toDestination = feeShare * ((refundFee ? 1 : 0) - (reverse ? 1 : 0));
    if (toDestination !== 0) {
      record(world, { owner: null, amount: -toDestination, currency: charge.currency, type: toDestination > 0 ? 'application_fee_refund' : 'application_fee', reportingCategory: 'platform_earning', source: charge.application_fee });
      record(world, { owner: transfer.destination, amount: toDestination, currency: charge.currency, type: toDestination > 0 ? 'application_fee_refund' : 'application_fee', reportingCategory: 'platform_earning', source: charge.application_fee });
    }
  }
  const refund: Refund = {
    id,
    object: 'refund',
    amount,
    balance_transaction: txn.id,
    charge: charge.id,
    created: world.now(),
    currency: charge.currency,
    destination_details: { card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' }, type: 'card' },
    metadata: metadataOf(params),
    payment_intent: charge.payment_intent,
    reason: str(params, 'reason', { oneOf: ['duplicate', 'fraudulent', 'requested_by_customer'] }) ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: reversalId,
  };
  world.put(refund);
  const before = snapshot(charge);
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded >= charge.amount_captured;
  emit(world, 'refund.created', refund);
  emit(world, 'charge.refunded', charge, { previous: changes(before, charge) });
  return refund;
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['charge', 'payment_intent', 'limit', 'starting_after', 'ending_before', 'created']);
  const charge = str(params, 'charge');
  const pi = str(params, 'payment_intent');
  const items = world.all<Refund>('refund').filter((r) => (!charge || r.charge === charge) && (!pi || r.payment_intent === pi));
  return paginate(newestFirst(items), params, '/v1/refunds');
}

export const refundRoutes: Route[] = [
  route('POST', '/v1/refunds', create),
  route('GET', '/v1/refunds', list),
  route('GET', '/v1/refunds/:id', ({ world, path }) => world.get<Refund>('refund', path.id!)),
  route('POST', '/v1/refunds/:id', ({ world, params, path }) => {
    allowOnly(params, ['metadata']);
    const refund = world.get<Refund>('refund', path.id!);
    refund.metadata = mergeMetadata(refund.metadata, params);
    emit(world, 'refund.updated', refund);
    return refund;
  }),
];
