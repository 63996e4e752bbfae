/** Helpers for the catalog suites: the event pipeline instructor → Kafka → catalog, and live instructors. */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Redis } from 'ioredis';
import zipcodes from 'zipcodes';
import { createEnvelope, topicForEventType, type EventEnvelope } from '@instainstru/events';
import { OutboxRelay, type Worker } from '@instainstru/platform';
import { eventually } from '@instainstru/test-harness';
import { createCatalogRedis, kidsServicesCache } from '../../services/catalog/src/infra/redis';
import { instructorOfferingsWorker } from '../../services/catalog/src/jobs/instructor-offerings.consumer';
import { TERMS, accountUpdatedEvent, dataOf, files, identitySessionEvent, sendWebhook, uploadWith } from './instructor';
import type { TestStack } from './stack';

export interface CatalogPipeline {
  redis: Redis;
  /** The catalog's consumer group (the inbox's consumer name). */
  groupId: string;
  stop(): Promise<void>;
}

/**
 * What `npm start` runs as workers, in-process: the instructor's outbox relay and the catalog's
 * instructor-offerings consumer (with its own Redis client, as the worker role has; it closes with
 * the stack).
 */
export async function startCatalogPipeline(stack: TestStack): Promise<CatalogPipeline> {
  const instructor = stack.deps.instructor;
  const catalog = stack.deps.catalog!;
  const redis = createCatalogRedis(catalog);
  const workers: Worker[] = [instructorOfferingsWorker(catalog, kidsServicesCache(catalog, redis))];
  if (instructor) {
    const relay = new OutboxRelay({ db: instructor.db, bus: instructor.bus, logger: instructor.logger, schema: 'instructor', pollMs: 100 });
    workers.push({ name: 'instructor-outbox-relay', start: () => relay.start(), stop: () => relay.stop() });
  }
  for (const worker of workers) await worker.start();
  return {
    redis,
    groupId: `${catalog.config.kafka.topicPrefix}catalog.instructor-offerings`,
    async stop() {
      for (const worker of [...workers].reverse()) await worker.stop();
    },
  };
}

/** Runs SQL as the catalog service's role against the stack's database. */
export async function catalogSql<Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor('catalog') });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** The revision of an instructor the catalog's read model holds (0 when it has none). */
export async function readModelRevision(stack: TestStack, instructorId: string): Promise<number> {
  const [row] = await catalogSql<{ revision: number }>(stack, `select revision from instructor_listing where instructor_id = $1`, [instructorId]);
  return row?.revision ?? 0;
}

export interface TestInstructor {
  id: string;
  token: string;
  offeredServiceId: string;
  /** The version of the offered service, for updateOfferedService. */
  offeredVersion: number;
}

/**
 * An instructor taken to live through the gateway the quick way (identity and charges by webhook,
 * the background check approved by an admin), offering one service with the given age groups.
 */
export async function liveInstructor(
  stack: TestStack,
  options: { sub: string; displayName: string; serviceId: string; ageGroups: string[]; postalCode?: string; bio?: string },
): Promise<TestInstructor> {
  const token = await stack.token({ sub: options.sub, roles: ['instructor'] });
  const gql = <T>(query: string, variables: Record<string, unknown>, as = token) => stack.graphql(query, { token: as, variables }).then((r) => dataOf<T>(r));
  const { startInstructorOnboarding } = await gql<{ startInstructorOnboarding: { id: string } }>(
    `mutation($input: StartInstructorOnboardingInput!) { startInstructorOnboarding(input: $input) { id } }`,
    { input: { displayName: options.displayName, timezone: 'America/New_York' } },
  );
  const id = startInstructorOnboarding.id;
  if (options.postalCode || options.bio) {
    const { instructor } = await gql<{ instructor: { privateDetails: { version: number } } }>(`query($id: ID!) { instructor(id: $id) { privateDetails { version } } }`, { id });
    await gql(`mutation($id: ID!, $v: Int!, $input: UpdateInstructorProfileInput!) { updateInstructorProfile(instructorId: $id, expectedVersion: $v, input: $input) { id } }`, {
      id,
      v: instructor.privateDetails.version,
      input: { ...(options.postalCode ? { address: { line1: '1 Main St', postalCode: options.postalCode } } : {}), ...(options.bio ? { bio: options.bio } : {}) },
    });
  }
  const { offerService } = await gql<{ offerService: { id: string; version: number } }>(
    `mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id version } }`,
    { id, input: { serviceId: options.serviceId, terms: { ...TERMS, ageGroups: options.ageGroups, lessonModes: ['ONLINE'] } } },
  );
  const { startIdentityVerification } = await gql<{ startIdentityVerification: { sessionId: string } }>(
    `mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId } }`,
    { id },
  );
  await sendWebhook(stack, identitySessionEvent('verified', { id: startIdentityVerification.sessionId, instructorId: id }));
  await gql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url } }`, { id });
  const { instructor } = await gql<{ instructor: { privateDetails: { payoutAccount: { stripeAccountId: string } } } }>(
    `query($id: ID!) { instructor(id: $id) { privateDetails { payoutAccount { stripeAccountId } } } }`,
    { id },
  );
  await sendWebhook(stack, accountUpdatedEvent({ id: instructor.privateDetails.payoutAccount.stripeAccountId, chargesEnabled: true }));
  const png = files.png(2000);
  const { requestBackgroundCheckUpload: grant } = await gql<{ requestBackgroundCheckUpload: { uploadKey: string; uploadUrl: string; headers: { name: string; value: string }[] } }>(
    `mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } } }`,
    { id, file: { contentType: 'image/png', byteSize: png.length } },
  );
  await uploadWith(grant, png);
  await gql(`mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { id } }`, { id, key: grant.uploadKey });
  const admin = await stack.token({ sub: 'catalog-test-admin', roles: ['admin'] });
  await gql(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, { id }, admin);
  await gql(`mutation($id: ID!) { goLive(instructorId: $id) { isLive } }`, { id });
  return { id, token, offeredServiceId: offerService.id, offeredVersion: offerService.version };
}

/** An instructor as the catalog's search sees it, published as the instructor service would. */
export interface PublishedInstructor {
  instructorId: string;
  revision: number;
  displayName: string;
  isLive: boolean;
  bio?: string | null;
  /** Placed at this ZIP code's centre, rounded to 0.01 degree as the events carry it; none without. */
  postalCode?: string | null;
  offered: { serviceId: string; ageGroups: string[]; rateMinor: number; lessonModes: string[] }[];
}

/** An instructor state event (valid against its schema) carrying the whole public state. */
export function instructorStateEvent(i: PublishedInstructor): EventEnvelope {
  const zip = i.postalCode ? zipcodes.lookup(i.postalCode) : undefined;
  if (i.postalCode && !zip) throw new Error(`unknown ZIP ${i.postalCode}`);
  const round = (n: number) => Math.round(n * 100) / 100;
  const type = i.isLive ? 'instructor.went-live' : 'instructor.went-offline';
  return createEnvelope({
    type,
    aggregateId: i.instructorId,
    payload: {
      instructorId: i.instructorId,
      userId: `user-${i.instructorId}`,
      revision: i.revision,
      instructor: {
        displayName: i.displayName,
        bio: i.bio ?? null,
        yearsOfExperience: 5,
        timezone: 'America/New_York',
        isLive: i.isLive,
        hasPhoto: false,
        area: zip ? { city: zip.city, state: zip.state, postalCode: zip.zip } : null,
        location: zip ? { latitude: round(zip.latitude), longitude: round(zip.longitude) } : null,
      },
      offeredServices: i.offered.map((o) => ({
        offeredServiceId: randomUUID(),
        serviceId: o.serviceId,
        hourlyRate: { amountMinor: o.rateMinor, currency: 'USD' },
        durationsMinutes: [60],
        ageGroups: o.ageGroups,
        levels: ['beginner'],
        lessonModes: o.lessonModes,
        travelRadiusMiles: o.lessonModes.includes('at_student_place') ? 10 : null,
      })),
      ...(i.isLive ? {} : { reason: 'INSTRUCTOR_REQUEST' }),
    },
  });
}

/** Publishes instructor events to the stack's topic, as the instructor's outbox relay does. */
export async function publishInstructorEvents(stack: TestStack, events: EventEnvelope[]): Promise<void> {
  const deps = stack.deps.catalog!;
  await deps.bus.publish(events.map((event) => ({ topic: topicForEventType(event.type, deps.config.kafka.topicPrefix), key: event.aggregateId, value: JSON.stringify(event), headers: {} })));
}

/** Waits until the catalog's consumer committed each event (applied or dropped as old). */
export async function eventsProcessed(stack: TestStack, pipeline: CatalogPipeline, events: EventEnvelope[]): Promise<void> {
  const ids = events.map((e) => e.id);
  await eventually(
    async () => (await catalogSql<{ n: number }>(stack, `select count(*)::int as n from inbox where consumer = $1 and event_id = any($2::uuid[])`, [pipeline.groupId, ids]))[0]!.n === ids.length,
    20_000,
    `${ids.length} instructor events processed by the catalog`,
  );
}

/** The catalog's services by name (e.g. `Piano`), read through the gateway. */
export async function serviceIdsByName(stack: TestStack): Promise<Record<string, string>> {
  const { categories } = dataOf<{ categories: { services: { id: string; name: string }[] }[] }>(await stack.graphql('{ categories { services { id name } } }'));
  return Object.fromEntries(categories.flatMap((c) => c.services.map((s) => [s.name, s.id])));
}
