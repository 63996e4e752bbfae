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

/**
 * The instructor service's private events: each on a topic of its own (PRIVATE_EVENT_TOPICS), not on
 * `<prefix>instructor.events`, because they carry what the public instructor events deliberately omit.
 */
export const InstructorPrivateEventType = {
  /** The Stripe Connect account id and its capabilities; only booking consumes it (destination charges, payouts). */
  PayoutAccountUpdated: 'instructor.payout-account-updated',
} as const satisfies Record<string, EventTypeWithSchema>;

/** The booking service's events (topic `<prefix>booking.events`): availability and later the payments flow consume them. */
export const BookingEventType = {
  Confirmed: 'booking.confirmed',
  Cancelled: 'booking.cancelled',
  Completed: 'booking.completed',
  NoShow: 'booking.no-show',
} as const satisfies Record<string, EventTypeWithSchema>;

/**
 * The booking service's payment events: facts other services may follow (authorised, action
 * required, captured, voided, failed; topic `<prefix>payment.events`) and the commands its own
 * payments worker acts on (`*-due`: one Stripe call each, outside any transaction; the private
 * topic `<prefix>payment.private.commands`).
 */
export const PaymentEventType = {
  AuthorizationDue: 'payment.authorization-due',
  CaptureDue: 'payment.capture-due',
  VoidDue: 'payment.void-due',
  RefundDue: 'payment.refund-due',
  Authorized: 'payment.authorized',
  ActionRequired: 'payment.action-required',
  Captured: 'payment.captured',
  Voided: 'payment.voided',
  Failed: 'payment.failed',
  Refunded: 'payment.refunded',
  RefundFailed: 'payment.refund-failed',
} as const satisfies Record<string, EventTypeWithSchema>;

/**
 * The booking service's payout events (topic `<prefix>payout.events`): money leaving an
 * instructor's Connect balance for their bank or debit card.
 */
export const PayoutEventType = {
  Requested: 'payout.requested',
  Paid: 'payout.paid',
  Failed: 'payout.failed',
} as const satisfies Record<string, EventTypeWithSchema>;

/**
 * The reviews service's events (topic `<prefix>review.events`): each carries the review's whole
 * state and its version; the catalog keeps instructors' ratings from them.
 */
export const ReviewEventType = {
  Published: 'review.published',
  Updated: 'review.updated',
  Hidden: 'review.hidden',
  Restored: 'review.restored',
  Responded: 'review.responded',
} as const satisfies Record<string, EventTypeWithSchema>;

/**
 * The booking service's credits ledger (topic `<prefix>credit.events`): one event per ledger
 * transaction, with what moved lot by lot.
 */
export const CreditEventType = {
  Granted: 'credit.granted',
  Revoked: 'credit.revoked',
  Reserved: 'credit.reserved',
  Released: 'credit.released',
  Spent: 'credit.spent',
  Expired: 'credit.expired',
} as const satisfies Record<string, EventTypeWithSchema>;

/** The booking service's referral events (topic `<prefix>referral.events`): a referral's life. */
export const ReferralEventType = {
  Redeemed: 'referral.redeemed',
  Qualified: 'referral.qualified',
  Rewarded: 'referral.rewarded',
  Voided: 'referral.voided',
} as const satisfies Record<string, EventTypeWithSchema>;

/** The partners service's events (topic `<prefix>partners.events`). */
export const PartnerEventType = {
  ApiKeyCreated: 'partners.api-key-created',
  ApiKeyRevoked: 'partners.api-key-revoked',
} as const satisfies Record<string, EventTypeWithSchema>;

export type InstructorEventTypeName = (typeof InstructorEventType)[keyof typeof InstructorEventType];
export type InstructorPrivateEventTypeName = (typeof InstructorPrivateEventType)[keyof typeof InstructorPrivateEventType];
export type BookingEventTypeName = (typeof BookingEventType)[keyof typeof BookingEventType];
export type PaymentEventTypeName = (typeof PaymentEventType)[keyof typeof PaymentEventType];
export type PayoutEventTypeName = (typeof PayoutEventType)[keyof typeof PayoutEventType];
export type ReviewEventTypeName = (typeof ReviewEventType)[keyof typeof ReviewEventType];
export type CreditEventTypeName = (typeof CreditEventType)[keyof typeof CreditEventType];
export type ReferralEventTypeName = (typeof ReferralEventType)[keyof typeof ReferralEventType];
export type PartnerEventTypeName = (typeof PartnerEventType)[keyof typeof PartnerEventType];

/** Every named event type. */
export const EVENT_TYPES: readonly EventTypeWithSchema[] = [
  ...Object.values(InstructorEventType),
  ...Object.values(InstructorPrivateEventType),
  ...Object.values(BookingEventType),
  ...Object.values(PaymentEventType),
  ...Object.values(PayoutEventType),
  ...Object.values(ReviewEventType),
  ...Object.values(CreditEventType),
  ...Object.values(ReferralEventType),
  ...Object.values(PartnerEventType),
];

/**
 * Private topics (without the environment's prefix): a stream of data only its named consumer may
 * read, kept off the producer's public `<service>.events` topic that every service subscribes to.
 * `<service>.private.<stream>`; the producing service's name first, as for public topics.
 */
export const PrivateTopic = {
  /** instructor → booking: Stripe Connect account ids and capabilities (instructor.payout-account-updated). */
  InstructorPayoutAccounts: 'instructor.private.payout-accounts',
  /** booking → booking's own payments worker: the `payment.*-due` commands (one Stripe call each), apart from the payment facts others follow. */
  PaymentCommands: 'payment.private.commands',
} as const;

/** The event types published on a private topic, by type; every other type goes to `<service>.events` (topicForEventType). */
export const PRIVATE_EVENT_TOPICS: Readonly<Record<string, string>> = {
  [InstructorPrivateEventType.PayoutAccountUpdated]: PrivateTopic.InstructorPayoutAccounts,
  [PaymentEventType.AuthorizationDue]: PrivateTopic.PaymentCommands,
  [PaymentEventType.CaptureDue]: PrivateTopic.PaymentCommands,
  [PaymentEventType.VoidDue]: PrivateTopic.PaymentCommands,
  [PaymentEventType.RefundDue]: PrivateTopic.PaymentCommands,
};
