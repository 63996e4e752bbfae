import { randomUUID } from 'node:crypto';
import type { EventEnvelope as EnvelopeSchema } from './__generated__/envelope';
import { PRIVATE_EVENT_TOPICS } from './event-types';

/**
 * The envelope every event travels in (DESIGN §2; generated from schemas/events/envelope.json),
 * with its payload typed. Kafka key = aggregateId.
 */
export type EventEnvelope<Payload = unknown> = Omit<EnvelopeSchema, 'payload'> & { payload: Payload };

export interface NewEvent<Payload = unknown> {
  type: string;
  version?: number;
  aggregateId: string;
  payload: Payload;
  occurredAt?: Date;
}

export function createEnvelope<Payload>(event: NewEvent<Payload>): EventEnvelope<Payload> {
  return {
    id: randomUUID(),
    type: event.type,
    version: event.version ?? 1,
    occurredAt: (event.occurredAt ?? new Date()).toISOString(),
    aggregateId: event.aggregateId,
    payload: event.payload,
  };
}

/**
 * Events are published to one topic per producing service: `instructor.went-live` goes to
 * `<prefix>instructor.events`. The few private event types go to their own topic instead
 * (PRIVATE_EVENT_TOPICS: `instructor.payout-account-updated` to
 * `<prefix>instructor.private.payout-accounts`). The prefix isolates environments (and test runs)
 * on one cluster. Producers (the outbox) and consumers (their subscriptions) both route by this.
 */
export function topicForEventType(type: string, prefix = ''): string {
  const producer = type.split('.')[0];
  if (!producer || producer === type) throw new Error(`Event type "${type}" must be "<service>.<name>"`);
  if (Object.hasOwn(PRIVATE_EVENT_TOPICS, type)) return `${prefix}${PRIVATE_EVENT_TOPICS[type]}`;
  return `${prefix}${producer}.events`;
}

/** Where a consumer group parks messages it could not process. */
export function deadLetterTopic(groupId: string, prefix = ''): string {
  return `${prefix}${groupId}.dlq`;
}
