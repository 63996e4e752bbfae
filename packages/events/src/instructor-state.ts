import { InstructorEventType, type EventPayload } from './event-types';

/**
 * The instructor events that carry an instructor's whole public state and its revision
 * (schemas/events/instructor.*.v1.json), so a consumer builds its read model from any one of them
 * and drops older revisions.
 */
export const INSTRUCTOR_STATE_EVENTS = [
  InstructorEventType.ProfileUpdated,
  InstructorEventType.ServiceOffered,
  InstructorEventType.ServiceUpdated,
  InstructorEventType.ServiceRemoved,
  InstructorEventType.WentLive,
  InstructorEventType.WentOffline,
] as const;

export type InstructorStateEventType = (typeof INSTRUCTOR_STATE_EVENTS)[number];

/** The payload of any instructor state event (the generated types; validated against its schema before a handler sees it). */
export type InstructorStatePayload = EventPayload<InstructorStateEventType>;

/** The state part every one of them carries: instructor id, owning account, revision, listing, offered services. */
export type InstructorState = Pick<InstructorStatePayload, keyof InstructorStatePayload>;

/** What discovery may show about the instructor, as the events carry it. */
export type InstructorListing = InstructorState['instructor'];

/** One offered service as the instructor events carry it. */
export type OfferedServiceState = InstructorState['offeredServices'][number];

export type InstructorLessonMode = OfferedServiceState['lessonModes'][number];
