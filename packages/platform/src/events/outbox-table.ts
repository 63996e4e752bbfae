import { topicForEventType, type EventEnvelope } from '@instainstru/events';

/**
 * The outbox table as appends write it and relays are woken for it; used inside the events room
 * only (the index does not re-export it).
 */

/** The channel relays LISTEN on and CommittedEventsSignal notifies once events committed. */
export const OUTBOX_NOTIFY_CHANNEL = 'outbox_appended';

/** The outbox columns an append writes, in the order of outboxRowValues. */
export const OUTBOX_COLUMNS = '(id, topic, aggregate_id, type, version, envelope)';

/** The values of OUTBOX_COLUMNS for an envelope: the envelope is stored as the JSON text that was validated. */
export function outboxRowValues(envelope: EventEnvelope<unknown>, topicPrefix: string): unknown[] {
  return [envelope.id, topicForEventType(envelope.type, topicPrefix), envelope.aggregateId, envelope.type, envelope.version, JSON.stringify(envelope)];
}
