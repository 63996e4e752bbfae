/*
 * Opaque page cursors: a value the service chose, as base64url JSON. What a cursor holds, and
 * checking what comes back (its shape, its length, that it belongs to this query), stays with each
 * service; a cursor is never trusted beyond that check.
 */

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
