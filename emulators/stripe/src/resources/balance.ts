import { balancesOf, instantAvailableOf } from '../ledger';
import { newestFirst, paginate } from '../lists';
import { allowOnly, str } from '../params';
import { route, type Ctx, type Route } from '../router';
import type { Account, BalanceTransaction } from '../types';
import { connectedAccount } from './accounts';
import { resourceMissing } from '../errors';

const funds = (amount: number, currency: string) => ({ amount, currency, source_types: { card: amount } });

/** Can the account's default external account take Instant Payouts? */
export function instantEligible(account: Account | null): boolean {
  return Boolean(account?.external_accounts.data[0]?.available_payout_methods.includes('instant'));
}

function balance({ world, account, params }: Ctx) {
  allowOnly(params, []);
  const { available, pending } = balancesOf(world, account);
  const currencies = [...new Set([...available.keys(), ...pending.keys()])];
  if (!currencies.length) currencies.push('usd');
  const body: Record<string, unknown> = {
    object: 'balance',
    available: currencies.map((c) => funds(available.get(c) ?? 0, c)),
    livemode: false,
    pending: currencies.map((c) => funds(pending.get(c) ?? 0, c)),
  };
  if (account) {
    if (instantEligible(connectedAccount(world, account))) {
      body.instant_available = currencies.map((c) => funds(instantAvailableOf(world, account, c), c));
    }
  } else {
    body.connect_reserved = currencies.map((c) => ({ amount: 0, currency: c }));
  }
  return body;
}

function transactions({ world, params, account }: Ctx) {
  allowOnly(params, ['type', 'source', 'payout', 'currency', 'limit', 'starting_after', 'ending_before', 'created']);
  const type = str(params, 'type');
  const source = str(params, 'source') ?? str(params, 'payout');
  const currency = str(params, 'currency');
  const items = world
    .all<BalanceTransaction>('balance_transaction', account)
    .filter((t) => (!type || t.type === type) && (!source || t.source === source) && (!currency || t.currency === currency));
  return paginate(newestFirst(items), params, '/v1/balance_transactions');
}

export const balanceRoutes: Route[] = [
  route('GET', '/v1/balance', balance),
  route('GET', '/v1/balance_transactions', transactions),
  route('GET', '/v1/balance_transactions/:id', ({ world, path, account }) => {
    const txn = world.get<BalanceTransaction>('balance_transaction', path.id!);
    if (world.ownerOf(txn.id) !== account) throw resourceMissing('balance transaction', txn.id);
    return txn;
  }),
];
