/** The availability service's calendar: weeks through the gateway, holds through its internal routes, instructors it knows. */
import { InternalClient, type ServiceName } from '@instainstru/platform';
import { instructorStateEvent, publishEvents } from './events';
import type { TestStack } from './gateway-stack';
import { dataOf, type GraphQLResult } from './graphql';
import { waitForReadModel } from './sql';

export interface WeekSlot {
  dayOfWeek: number;
  startTime: string;
  endTime: string;
}

export interface Week {
  instructorId: string;
  weekStart: string;
  timezone: string | null;
  version: string;
  slots: WeekSlot[];
}

const WEEK_FIELDS = 'instructorId weekStart timezone version slots { dayOfWeek startTime endTime }';

export const WEEK_QUERY = `query($id: ID!, $w: String!) { availabilityWeek(instructorId: $id, weekStart: $w) { ${WEEK_FIELDS} } }`;
export const SAVE_WEEK = `mutation($id: ID!, $w: String!, $slots: [TimeSlotInput!]!, $v: String!, $clear: Boolean!) {
  saveAvailabilityWeek(instructorId: $id, weekStart: $w, slots: $slots, expectedVersion: $v, clearExisting: $clear) { ${WEEK_FIELDS} }
}`;
export const COPY_WEEK = `mutation($id: ID!, $w: String!, $n: Int!) { copyAvailabilityWeek(instructorId: $id, fromWeekStart: $w, weeks: $n) { ${WEEK_FIELDS} } }`;

export async function readWeek(stack: TestStack, instructorId: string, weekStart: string): Promise<Week> {
  return dataOf<{ availabilityWeek: Week }>(await stack.graphql(WEEK_QUERY, { variables: { id: instructorId, w: weekStart } })).availabilityWeek;
}

export function saveWeek(stack: TestStack, token: string, args: { instructorId: string; weekStart: string; slots: WeekSlot[]; expectedVersion: string; clearExisting?: boolean }): Promise<GraphQLResult> {
  return stack.graphql(SAVE_WEEK, {
    token,
    variables: { id: args.instructorId, w: args.weekStart, slots: args.slots, v: args.expectedVersion, clear: args.clearExisting ?? true },
  });
}

/** Publishes a whole week through the gateway (based on its current version), replacing what it had. */
export async function publishWeek(stack: TestStack, token: string, instructorId: string, weekStart: string, slots: WeekSlot[]): Promise<Week> {
  const { version } = await readWeek(stack, instructorId, weekStart);
  return dataOf<{ saveAvailabilityWeek: Week }>(await saveWeek(stack, token, { instructorId, weekStart, slots, expectedVersion: version })).saveAvailabilityWeek;
}

export interface CalendarInstructor {
  instructorId: string;
  userId: string;
  timezone: string;
  isLive?: boolean;
  /** The lesson lengths of the one service offered (60 minutes unless given). */
  durationsMinutes?: number[];
  revision?: number;
}

/** Publishes the instructor's state as the instructor service would and waits until availability applied it. */
export async function knownInstructor(stack: TestStack, i: CalendarInstructor): Promise<void> {
  const revision = i.revision ?? 1;
  await publishEvents(stack, [
    instructorStateEvent({
      instructorId: i.instructorId,
      userId: i.userId,
      revision,
      isLive: i.isLive ?? true,
      displayName: 'Calendar Teacher',
      timezone: i.timezone,
      offered: [{ durationsMinutes: i.durationsMinutes ?? [60] }],
    }),
  ]);
  await waitForReadModel(stack, 'availability', i.instructorId, revision);
}

/** What availability answers to a hold. */
export interface HoldAnswer {
  bookingId: string;
  instructorId: string;
  startsAt: string;
  endsAt: string;
  status: 'HELD' | 'CONFIRMED';
  expiresAt: string | null;
}

/** The booking service's client of the hold routes (or another service's, to prove the allow-list). */
export function holdClient(stack: TestStack, from: ServiceName = 'booking'): InternalClient {
  return new InternalClient({ from, to: 'availability', baseUrl: stack.subgraphUrls.availability!.replace(/\/graphql$/, ''), signingSecret: stack.signingSecret });
}
