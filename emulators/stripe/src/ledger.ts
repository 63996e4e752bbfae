import { newId } from './ids';
import type { BalanceTransaction, FeeDetail } from './types';
import type { World } from './world';

export interface Entry {
  /** Connected account whose balance moves, or null for the platform. */
  owner: string | null;
  amount: number;
  currency: string;
  type: string;
  reportingCategory: string;
  source: string | null;
  description?: string | null;
  fee?: number;
  feeDetails?: FeeDetail[];
  /** Pending until `availableOn` (world clock), or available at once. */
  availableOn?: number;
}

/** Records a balance transaction: credits are pending until `availableOn`, debits count at once. */
export function record(world: World, entry: Entry): BalanceTransaction {
  const now = world.now();
  const fee = entry.fee ?? 0;
  const availableOn = entry.availableOn ?? now;
  const txn: BalanceTransaction = {
    id: newId('txn'),
    object: 'balance_transaction',
    amount: entry.amount,
    available_on: availableOn,
    created: now,
    currency: entry.currency,
    description: entry.description ?? null,
    exchange_rate: null,
    fee,
    fee_details: entry.feeDetails ?? [],
    net: entry.amount - fee,
    reporting_category: entry.reportingCategory,
    source: entry.source,
    status: availableOn > now ? 'pending' : 'available',
    type: entry.type,
    livemode: false,
  };
  return world.put(txn, entry.owner);
}

export interface Balances {
  available: Map<string, number>;
  pending: Map<string, number>;
}

/** The available and pending sums per currency of an owner's balance transactions. */
export function balancesOf(world: World, owner: string | null): Balances {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const txn of world.all<BalanceTransaction>('balance_transaction', owner)) {
    const bucket = txn.status === 'available' ? available : pending;
    bucket.set(txn.currency, (bucket.get(txn.currency) ?? 0) + txn.net);
  }
  return { available, pending };
}

export const availableOf = (world: World, owner: string | null, currency: string): number =>
  balancesOf(world, owner).available.get(currency) ?? 0;

/**
 * What an Instant Payout may take now: the available balance plus funds still pending (Stripe
 * lets instant-eligible accounts pay out pending card funds), never less than zero.
 */
export function instantAvailableOf(world: World, owner: string | null, currency: string): number {
  const { available, pending } = balancesOf(world, owner);
  return Math.max(0, (available.get(currency) ?? 0) + (pending.get(currency) ?? 0));
}

/** Pending balance transactions whose availability date has come (for the transitions). */
export function duePending(world: World, now: number): BalanceTransaction[] {
  return world.all<BalanceTransaction>('balance_transaction').filter((txn) => txn.status === 'pending' && txn.available_on <= now);
}
