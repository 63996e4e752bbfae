import { invalidRequest, resourceMissing } from '../errors';
import { changes, emit, snapshot } from '../events';
import { newId } from '../ids';
import { availableOf, instantAvailableOf, record } from '../ledger';
import { newestFirst, paginate } from '../lists';
import { allowOnly, mergeMetadata, metadataOf, requiredInt, requiredStr, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Payout } from '../types';
import type { World } from '../world';
import { connectedAccount } from './accounts';
import { instantEligible } from './balance';

const FAILURE_MESSAGES: Record<string, string> = {
  account_closed: 'The bank account has been closed.',
  account_frozen: 'The bank account has been frozen.',
  bank_account_restricted: 'The bank account has restrictions on either the type, or the number, of payouts allowed.',
  could_not_process: 'The bank could not process this payout.',
  debit_not_authorized: 'Debit transactions are not approved on the bank account.',
  declined: 'The bank has declined this transfer.',
  insufficient_funds: 'Your Stripe account has insufficient funds to cover the payout.',
  invalid_account_number: 'The routing number seems correct, but the account number is invalid.',
  invalid_card: 'The card used for the payout is invalid.',
  lost_or_stolen_card: 'The card has been reported lost or stolen.',
  no_account: 'The bank account details on file are probably incorrect. No bank account could be located with those details.',
  unsupported_card: 'The card is not supported for payouts.',
};

export const payoutFailureCodes = Object.keys(FAILURE_MESSAGES);

const insufficient = () =>
  invalidRequest(
    'You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).',
    { code: 'balance_insufficient' },
  );

/** Stripe's Instant Payout fee: a percentage rounded up to a minor unit, never below the minimum. */
export function instantPayoutFee(world: World, amount: number): number {
  const percent = Math.ceil((amount * world.config.instantPayoutFeePercent) / 100 - 1e-9);
  return Math.max(world.config.instantPayoutFeeMinimum, percent);
}

function create({ world, params, account }: Ctx): Payout {
  allowOnly(params, ['amount', 'currency', 'method', 'metadata', 'description', 'statement_descriptor', 'destination', 'source_type']);
  const connected = account ? connectedAccount(world, account) : null;
  if (connected && !connected.payouts_enabled) {
    throw invalidRequest('Payouts are not enabled for this account: it has not completed onboarding.', { code: 'payouts_not_allowed' });
  }
  const amount = requiredInt(params, 'amount', { min: 1 });
  const currency = requiredStr(params, 'currency').toLowerCase();
  const method = (str(params, 'method', { oneOf: ['standard', 'instant'] }) ?? 'standard') as Payout['method'];
  let fee = 0;
  if (method === 'instant') {
    if (!instantEligible(connected)) {
      throw invalidRequest('This account has no external account that supports Instant Payouts.', { code: 'instant_payouts_unsupported', param: 'method' });
    }
    if (amount > instantAvailableOf(world, account, currency)) throw insufficient();
    fee = instantPayoutFee(world, amount);
  } else if (amount > availableOf(world, account, currency)) {
    throw insufficient();
  }
  const now = world.now();
  const id = newId('po');
  const txn = record(world, {
    owner: account,
    amount: -amount,
    fee,
    feeDetails: fee ? [{ amount: fee, application: null, currency, description: 'Instant payout fee', type: 'stripe_fee' }] : [],
    currency,
    type: 'payout',
    reportingCategory: 'payout',
    source: id,
    description: str(params, 'description') ?? null,
  });
  const dueAt = now + (method === 'instant' ? world.config.instantPayoutSeconds : world.config.standardPayoutSeconds);
  const external = connected?.external_accounts.data[0];
  const payout: Payout = {
    id,
    object: 'payout',
    amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: dueAt,
    automatic: false,
    balance_transaction: txn.id,
    created: now,
    currency,
    description: str(params, 'description') ?? null,
    destination: external?.id ?? null,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: metadataOf(params),
    method,
    original_payout: null,
    reconciliation_status: 'not_applicable',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: str(params, 'statement_descriptor') ?? null,
    status: 'pending',
    trace_id: { status: 'pending', value: null },
    type: external ? 'card' : 'bank_account',
  };
  world.put(payout, account);
  world.payoutPlans.set(id, {
    inTransitAt: now + Math.min(60, Math.floor((dueAt - now) / 2)),
    dueAt,
    failureCode: account ? (world.payoutFailures.get(account) ?? null) : null,
  });
  emit(world, 'payout.created', payout);
  return payout;
}

/** Moves a payout along: pending → in_transit, then paid or failed (its funds and fee come back). */
export function advancePayout(world: World, payout: Payout, step: 'in_transit' | 'due', at: number): void {
  const plan = world.payoutPlans.get(payout.id);
  if (!plan) return;
  const before = snapshot(payout);
  if (step === 'in_transit') {
    payout.status = 'in_transit';
    emit(world, 'payout.updated', payout, { at, previous: changes(before, payout) });
    return;
  }
  world.payoutPlans.delete(payout.id);
  if (plan.failureCode) {
    const txn = world.get<{ id: string; object: 'balance_transaction'; created: number; fee: number }>('balance_transaction', payout.balance_transaction);
    const refund = record(world, {
      owner: world.ownerOf(payout.id),
      amount: payout.amount,
      fee: -txn.fee,
      feeDetails: txn.fee ? [{ amount: -txn.fee, application: null, currency: payout.currency, description: 'Instant payout fee refund', type: 'stripe_fee' }] : [],
      currency: payout.currency,
      type: 'payout_failure',
      reportingCategory: 'payout_reversal',
      source: payout.id,
    });
    payout.status = 'failed';
    payout.failure_code = plan.failureCode;
    payout.failure_message = FAILURE_MESSAGES[plan.failureCode] ?? 'The payout failed.';
    payout.failure_balance_transaction = refund.id;
    emit(world, 'payout.failed', payout, { at, previous: changes(before, payout) });
    return;
  }
  payout.status = 'paid';
  payout.reconciliation_status = 'completed';
  payout.trace_id = { status: 'supported', value: `EMU${payout.id.slice(3, 15).toUpperCase()}` };
  emit(world, 'payout.paid', payout, { at, previous: changes(before, payout) });
}

function payoutOf(world: World, id: string, account: string | null): Payout {
  const payout = world.get<Payout>('payout', id);
  if (world.ownerOf(payout.id) !== account) throw resourceMissing('payout', id);
  return payout;
}

function cancel({ world, path, account }: Ctx): Payout {
  const payout = payoutOf(world, path.id!, account);
  if (payout.status !== 'pending' || payout.method !== 'standard') {
    throw invalidRequest(`Payouts can only be canceled while they are pending and standard; this one is ${payout.status}.`, { code: 'payout_not_cancelable' });
  }
  world.payoutPlans.delete(payout.id);
  const before = snapshot(payout);
  record(world, { owner: account, amount: payout.amount, currency: payout.currency, type: 'payout_cancel', reportingCategory: 'payout_reversal', source: payout.id });
  payout.status = 'canceled';
  emit(world, 'payout.canceled', payout, { previous: changes(before, payout) });
  return payout;
}

function list({ world, params, account }: Ctx) {
  allowOnly(params, ['status', 'destination', 'limit', 'starting_after', 'ending_before', 'created', 'arrival_date']);
  const status = str(params, 'status');
  const items = world.all<Payout>('payout', account).filter((p) => !status || p.status === status);
  return paginate(newestFirst(items), params, '/v1/payouts');
}

export const payoutRoutes: Route[] = [
  route('POST', '/v1/payouts', create),
  route('GET', '/v1/payouts', list),
  route('GET', '/v1/payouts/:id', ({ world, params, path, account }) => {
    allowOnly(params, ['expand']);
    return payoutOf(world, path.id!, account);
  }),
  route('POST', '/v1/payouts/:id', ({ world, params, path, account }) => {
    allowOnly(params, ['metadata']);
    const payout = payoutOf(world, path.id!, account);
    payout.metadata = mergeMetadata(payout.metadata, params);
    return payout;
  }),
  route('POST', '/v1/payouts/:id/cancel', cancel),
];
