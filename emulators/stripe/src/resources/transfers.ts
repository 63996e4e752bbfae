import { invalidRequest } from '../errors';
import { emit } from '../events';
import { newId } from '../ids';
import { availableOf, record } from '../ledger';
import { newestFirst, paginate } from '../lists';
import { allowOnly, int, mergeMetadata, metadataOf, requiredInt, requiredStr, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Account, BalanceTransaction, Charge, Metadata, Transfer, TransferReversal } from '../types';
import type { World } from '../world';

/** A connected account that may receive transfers (its `transfers` capability is active). */
export function transferDestination(world: World, id: string, param: string): Account {
  const account = world.get<Account>('account', id, param);
  if (account.capabilities.transfers !== 'active') {
    throw invalidRequest(
      `Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments`,
      { code: 'insufficient_capabilities_for_transfer', param },
    );
  }
  return account;
}

export interface TransferInput {
  amount: number;
  currency: string;
  destination: string;
  sourceTransaction?: string | null;
  transferGroup?: string | null;
  description?: string | null;
  metadata?: Metadata;
  /** When the funds become available in the destination's balance (default now). */
  availableOn?: number;
}

/**
 * Moves funds from the platform to a connected account: a `transfer` debit on the platform and a
 * `payment` credit on the destination, both available when the source funds are.
 */
export function createTransfer(world: World, input: TransferInput): Transfer {
  const id = newId('tr');
  const destinationPayment = newId('py');
  const debit = record(world, {
    owner: null,
    amount: -input.amount,
    currency: input.currency,
    type: 'transfer',
    reportingCategory: 'transfer',
    source: id,
    description: input.description ?? null,
    ...(input.availableOn !== undefined ? { availableOn: input.availableOn } : {}),
  });
  record(world, {
    owner: input.destination,
    amount: input.amount,
    currency: input.currency,
    type: 'payment',
    reportingCategory: 'charge',
    source: destinationPayment,
    ...(input.availableOn !== undefined ? { availableOn: input.availableOn } : {}),
  });
  const transfer: Transfer = {
    id,
    object: 'transfer',
    amount: input.amount,
    amount_reversed: 0,
    balance_transaction: debit.id,
    created: world.now(),
    currency: input.currency,
    description: input.description ?? null,
    destination: input.destination,
    destination_payment: destinationPayment,
    livemode: false,
    metadata: input.metadata ?? {},
    reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
    reversed: false,
    source_transaction: input.sourceTransaction ?? null,
    source_type: 'card',
    transfer_group: input.transferGroup ?? null,
  };
  world.put(transfer);
  emit(world, 'transfer.created', transfer);
  return transfer;
}

/** Takes funds back from the destination (a refund with reverse_transfer). */
export function reverseTransfer(world: World, transfer: Transfer, amount: number, sourceRefund: string | null): TransferReversal | null {
  const reversible = transfer.amount - transfer.amount_reversed;
  const take = Math.min(amount, reversible);
  if (take <= 0) return null;
  const id = newId('trr');
  const credit = record(world, { owner: null, amount: take, currency: transfer.currency, type: 'transfer_cancel', reportingCategory: 'transfer_reversal', source: id });
  const refundOnDestination = newId('pyr');
  record(world, { owner: transfer.destination, amount: -take, currency: transfer.currency, type: 'payment_refund', reportingCategory: 'refund', source: refundOnDestination });
  const reversal: TransferReversal = {
    id,
    object: 'transfer_reversal',
    amount: take,
    balance_transaction: credit.id,
    created: world.now(),
    currency: transfer.currency,
    destination_payment_refund: refundOnDestination,
    metadata: {},
    source_refund: sourceRefund,
    transfer: transfer.id,
  };
  world.put(reversal);
  transfer.amount_reversed += take;
  transfer.reversed = transfer.amount_reversed >= transfer.amount;
  transfer.reversals.data.unshift(reversal);
  transfer.reversals.total_count++;
  emit(world, 'transfer.reversed', transfer);
  return reversal;
}

function create({ world, params }: Ctx): Transfer {
  allowOnly(params, ['amount', 'currency', 'destination', 'transfer_group', 'metadata', 'description', 'source_transaction', 'source_type']);
  const amount = requiredInt(params, 'amount', { min: 1 });
  const currency = requiredStr(params, 'currency').toLowerCase();
  const destination = transferDestination(world, requiredStr(params, 'destination'), 'destination');
  const sourceId = str(params, 'source_transaction');
  let availableOn: number | undefined;
  if (sourceId) {
    const charge = world.get<Charge>('charge', sourceId, 'source_transaction');
    if (!charge.captured || !charge.balance_transaction) {
      throw invalidRequest('The source_transaction charge must be captured.', { param: 'source_transaction' });
    }
    availableOn = world.get<BalanceTransaction>('balance_transaction', charge.balance_transaction).available_on;
  } else if (availableOf(world, null, currency) < amount) {
    throw invalidRequest(
      'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
      { code: 'balance_insufficient' },
    );
  }
  return createTransfer(world, {
    amount,
    currency,
    destination: destination.id,
    sourceTransaction: sourceId ?? null,
    transferGroup: str(params, 'transfer_group') ?? null,
    description: str(params, 'description') ?? null,
    metadata: metadataOf(params),
    ...(availableOn !== undefined ? { availableOn } : {}),
  });
}

/** Takes back part (or the rest) of a transfer from its destination to the platform. */
function createReversal({ world, params, path }: Ctx): TransferReversal {
  allowOnly(params, ['amount', 'metadata', 'description', 'refund_application_fee']);
  const transfer = world.get<Transfer>('transfer', path.id!);
  const reversible = transfer.amount - transfer.amount_reversed;
  const amount = int(params, 'amount', { min: 1 }) ?? reversible;
  if (reversible <= 0) throw invalidRequest(`Transfer ${transfer.id} has already been fully reversed.`, { code: 'transfer_already_reversed' });
  if (amount > reversible) {
    throw invalidRequest(`You have requested a reversal of ${amount}, but the transfer only has ${reversible} left to reverse.`, { code: 'amount_too_large', param: 'amount' });
  }
  const reversal = reverseTransfer(world, transfer, amount, null)!;
  reversal.metadata = metadataOf(params);
  return reversal;
}

function list({ world, params }: Ctx) {
  allowOnly(params, ['destination', 'transfer_group', 'limit', 'starting_after', 'ending_before', 'created']);
  const destination = str(params, 'destination');
  const group = str(params, 'transfer_group');
  const items = world.all<Transfer>('transfer').filter((t) => (!destination || t.destination === destination) && (!group || t.transfer_group === group));
  return paginate(newestFirst(items), params, '/v1/transfers');
}

export const transferRoutes: Route[] = [
  route('POST', '/v1/transfers', create),
  route('GET', '/v1/transfers', list),
  route('GET', '/v1/transfers/:id', ({ world, path }) => world.get<Transfer>('transfer', path.id!)),
  route('POST', '/v1/transfers/:id', ({ world, params, path }) => {
    allowOnly(params, ['metadata', 'description']);
    const transfer = world.get<Transfer>('transfer', path.id!);
    transfer.metadata = mergeMetadata(transfer.metadata, params);
    const description = str(params, 'description');
    if (description !== undefined) transfer.description = description;
    emit(world, 'transfer.updated', transfer);
    return transfer;
  }),
  route('POST', '/v1/transfers/:id/reversals', createReversal),
  route('GET', '/v1/transfers/:id/reversals', ({ world, params, path }) => paginate(world.get<Transfer>('transfer', path.id!).reversals.data, params, `/v1/transfers/${path.id}/reversals`)),
];
