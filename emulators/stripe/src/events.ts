import { newId } from './ids';
import type { ApiObject, StripeEvent } from './types';
import type { World } from './world';

/** The API version of the official SDK this emulator is driven by (stripe@23). */
export const API_VERSION = '2026-10-28.endive';

export interface EmitOptions {
  /** The object's attributes before the change (`data.previous_attributes`). */
  previous?: Record<string, unknown>;
  /** The connected account the event belongs to (default: the object's owner). */
  account?: string | null;
  /** When it happened (world clock; default now). */
  at?: number;
}

/**
 * Records an event with a snapshot of the object and hands it to the webhook dispatcher.
 * Events of a connected account carry `account` and go to Connect endpoints only.
 */
export function emit(world: World, type: string, object: ApiObject, options: EmitOptions = {}): StripeEvent {
  const account = options.account !== undefined ? options.account : world.ownerOf(object.id);
  const event: StripeEvent = {
    id: newId('evt'),
    object: 'event',
    ...(account ? { account } : {}),
    api_version: API_VERSION,
    created: options.at ?? world.now(),
    data: {
      object: structuredClone(object),
      ...(options.previous && Object.keys(options.previous).length ? { previous_attributes: options.previous } : {}),
    },
    livemode: false,
    pending_webhooks: 0,
    request: { id: world.request?.id ?? null, idempotency_key: world.request?.idempotencyKey ?? null },
    type,
  };
  world.put(event, account);
  world.events.push(event);
  world.webhooks.publish(event);
  return event;
}

/** A copy of an object to compare with after a change. */
export const snapshot = <T extends object>(object: T): T => structuredClone(object);

/** The top-level attributes whose value changed, with their previous value. */
export function changes(before: object, after: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) out[key] = a[key];
  }
  return out;
}
