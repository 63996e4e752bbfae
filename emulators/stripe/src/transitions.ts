import { emit } from './events';
import { duePending } from './ledger';
import { expireAuthorization } from './resources/payment-intents';
import { advancePayout } from './resources/payouts';
import type { ApiObject, BalanceTransaction, Charge, PaymentIntent, Payout } from './types';
import type { World } from './world';

interface Due {
  at: number;
  order: number;
  run: () => void;
}

/** Everything whose time has come by `now`, in time order. */
function dueItems(world: World, now: number): Due[] {
  const items: Due[] = [];
  for (const pi of world.all<PaymentIntent>('payment_intent')) {
    if (pi.status !== 'requires_capture' || !pi.latest_charge) continue;
    const charge = world.find<Charge>(pi.latest_charge, 'charge');
    const before = charge?.payment_method_details.card.capture_before;
    if (before !== undefined && before <= now) items.push({ at: before, order: 0, run: () => expireAuthorization(world, pi, before) });
  }
  const becameAvailable = new Map<string, { at: number; txns: BalanceTransaction[] }>();
  for (const txn of duePending(world, now)) {
    const key = `${world.ownerOf(txn.id) ?? ''}|${txn.available_on}`;
    const group = becameAvailable.get(key) ?? { at: txn.available_on, txns: [] };
    group.txns.push(txn);
    becameAvailable.set(key, group);
  }
  for (const [key, group] of becameAvailable) {
    const owner = key.split('|')[0] || null;
    items.push({
      at: group.at,
      order: 1,
      run: () => {
        for (const txn of group.txns) txn.status = 'available';
        emit(world, 'balance.available', balanceSnapshot(world, owner), { account: owner, at: group.at });
      },
    });
  }
  for (const [id, plan] of world.payoutPlans) {
    const payout = world.find<Payout>(id, 'payout');
    if (!payout) continue;
    if (payout.status === 'pending' && plan.inTransitAt <= now && plan.dueAt > plan.inTransitAt) {
      items.push({ at: plan.inTransitAt, order: 2, run: () => advancePayout(world, payout, 'in_transit', plan.inTransitAt) });
    } else if (plan.dueAt <= now) {
      items.push({ at: plan.dueAt, order: 3, run: () => advancePayout(world, payout, 'due', plan.dueAt) });
    }
  }
  return items.sort((a, b) => a.at - b.at || a.order - b.order);
}

/** The balance as `balance.available` carries it (a balance object has no id). */
function balanceSnapshot(world: World, owner: string | null): ApiObject {
  const sums = { available: new Map<string, number>(), pending: new Map<string, number>() };
  for (const txn of world.all<BalanceTransaction>('balance_transaction', owner)) {
    const bucket = txn.status === 'available' ? sums.available : sums.pending;
    bucket.set(txn.currency, (bucket.get(txn.currency) ?? 0) + txn.net);
  }
  const list = (m: Map<string, number>) => [...m].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  return { object: 'balance', available: list(sums.available), pending: list(sums.pending), livemode: false } as unknown as ApiObject;
}

/**
 * Runs every time-based transition that became due (authorisation expiry, pending funds
 * becoming available, payouts moving on), in the order they fell due; repeats until none is left.
 */
export function runDue(world: World): number {
  const now = world.now();
  const saved = world.request;
  world.request = null;
  let ran = 0;
  try {
    for (let round = 0; round < 100; round++) {
      const items = dueItems(world, now);
      if (!items.length) break;
      for (const item of items) item.run();
      ran += items.length;
    }
  } finally {
    world.request = saved;
  }
  return ran;
}
