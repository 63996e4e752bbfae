/*
 * Opaque page cursors: a value the service chose, as base64url JSON. What a cursor holds, and
 * checking what comes back (its shape, its length, that it belongs to this query), stays with each
 * service; a cursor is never trusted beyond that check.
 */
import { isUuid } from './ids';

/** The cursor of `value` (any JSON value, typically a tuple of the page's sort key). */
export function encodeOpaqueCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The JSON value inside a cursor, or undefined when the cursor is not base64url JSON. */
export function decodeOpaqueCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The (instant, uuid) key inside a cursor of the common `[iso instant, uuid]` shape (pages ordered
 * by a time, then id); null when the cursor is not one. Each service answers a bad cursor with its
 * own error and may check the instant further.
 */
export function decodeInstantIdCursor(cursor: string): { at: string; id: string } | null {
  const value = decodeOpaqueCursor(cursor);
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || typeof id !== 'string' || !isUuid(id)) return null;
  return { at, id };
}
