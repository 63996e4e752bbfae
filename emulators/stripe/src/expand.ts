import type { World } from './world';

/**
 * Stripe's `expand[]`: each dotted path replaces an id by the object it names (`latest_charge`,
 * `latest_charge.balance_transaction`, `data.customer` on lists). Works on a copy.
 */
export function expand(world: World, body: unknown, paths: string[]): unknown {
  if (!paths.length) return body;
  const copy = structuredClone(body);
  for (const path of paths) expandPath(world, copy, path.split('.'));
  return copy;
}

function expandPath(world: World, target: unknown, parts: string[]): void {
  if (!target || typeof target !== 'object' || !parts.length) return;
  if (Array.isArray(target)) {
    for (const item of target) expandPath(world, item, parts);
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  const record = target as Record<string, unknown>;
  let value = record[head];
  if (typeof value === 'string') {
    const found = world.find(value);
    if (found) {
      value = structuredClone(found);
      record[head] = value;
    }
  }
  if (rest.length) expandPath(world, value, rest);
}
