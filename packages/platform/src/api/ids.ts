/** A UUID in its 8-4-4-4-12 hex text, in either case: the form of every entity id in the API. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a UUID; an id that is not one names nothing, so it is answered before any query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
