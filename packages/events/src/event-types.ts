import type { EventPayloads } from './__generated__';

/** Every event type with a JSON Schema in schemas/events (`instructor.went-live` of `instructor.went-live@1`). */
export type EventTypeWithSchema = keyof EventPayloads extends infer Key ? (Key extends `${infer Type}@${number}` ? Type : never) : never;

/** The payload type of an event type at a version, generated from its schema. */
export type EventPayload<Type extends EventTypeWithSchema, Version extends number = 1> = EventPayloads[`${Type}@${Version}` & keyof EventPayloads];

/*
 * The names of every event type, in this one place. A name without a schema does not compile
 * (`satisfies`); a schema without a name here fails the contract test (tests/contract/event-contracts.spec.ts).
 */

/** The instructor service's events (topic `<prefix>instructor.events`). */
export const InstructorEventType = {
  ProfileUpdated: 'instructor.profile-updated',
  ServiceOffered: 'instructor.service-offered',
  ServiceUpdated: 'instructor.service-updated',
  ServiceRemoved: 'instructor.service-removed',
  WentLive: 'instructor.went-live',
  WentOffline: 'instructor.went-offline',
} as const satisfies Record<string, EventTypeWithSchema>;

/** The booking service's events (topic `<prefix>booking.events`): availability and later the payments flow consume them. */
export const BookingEventType = {
  Confirmed: 'booking.confirmed',
  Cancelled: 'booking.cancelled',
  Completed: 'booking.completed',
  NoShow: 'booking.no-show',
} as const satisfies Record<string, EventTypeWithSchema>;

/** The partners service's events (topic `<prefix>partners.events`). */
export const PartnerEventType = {
  ApiKeyCreated: 'partners.api-key-created',
  ApiKeyRevoked: 'partners.api-key-revoked',
} as const satisfies Record<string, EventTypeWithSchema>;

export type InstructorEventTypeName = (typeof InstructorEventType)[keyof typeof InstructorEventType];
export type BookingEventTypeName = (typeof BookingEventType)[keyof typeof BookingEventType];
export type PartnerEventTypeName = (typeof PartnerEventType)[keyof typeof PartnerEventType];

/** Every named event type. */
export const EVENT_TYPES: readonly EventTypeWithSchema[] = [
  ...Object.values(InstructorEventType),
  ...Object.values(BookingEventType),
  ...Object.values(PartnerEventType),
];
