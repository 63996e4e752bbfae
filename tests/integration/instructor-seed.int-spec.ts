import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EventSchemaRegistry, type EventEnvelope } from '@instainstru/events';
import { closeServiceDeps, createLogger, OutboxRelay, type Database, type EventBus, type ServiceDeps } from '@instainstru/platform';
import {
  bucketName,
  collectMessages,
  createTestDatabase,
  ensureBucket,
  eventually,
  keysUnder,
  objectExists,
  s3Client,
  type TestDatabase,
  testEventBus,
  testServiceDeps,
  uniqueTopicPrefix,
} from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule, demoInstructors, type InstructorModule, type SeedCatalogService } from '../../services/instructor/src/module';

let testDb: TestDatabase;
let catalogDeps: ServiceDeps;
let instructorDeps: ServiceDeps;
let instructorDb: Database;
let instructor: InstructorModule;
let s3: S3Client;
let services: SeedCatalogService[];
let bus: EventBus | undefined;
const registry = new EventSchemaRegistry();
const topicPrefix = uniqueTopicPrefix('instr-seed');
const COUNT = 10;

beforeAll(async () => {
  testDb = await createTestDatabase();
  catalogDeps = await testServiceDeps(testDb, 'catalog', { topicPrefix });
  instructorDeps = await testServiceDeps(testDb, 'instructor', { topicPrefix });
  instructorDb = instructorDeps.db;
  const catalog = createCatalogModule(catalogDeps);
  await catalog.seed();
  services = await catalog.listServices();
  instructor = createInstructorModule(instructorDeps);
  s3 = s3Client();
  await ensureBucket(s3);
});

afterAll(async () => {
  const seeded = await instructorDb?.query<{ id: string }>(`select id from instructor_profile`);
  for (const { id } of seeded ?? []) {
    for (const key of await keysUnder(s3, `instructors/${id}/`)) await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: key }));
  }
  s3?.destroy();
  await bus?.close();
  if (catalogDeps) await closeServiceDeps(catalogDeps);
  if (instructorDeps) await closeServiceDeps(instructorDeps);
  await testDb?.drop();
});

const outboxCount = async () => Number((await instructorDb.query<{ n: string }>(`select count(*) as n from outbox`))[0]!.n);

describe('demo instructor seed', () => {
  it('is deterministic for a given seed and catalog', () => {
    expect(demoInstructors(services, COUNT, 7)).toEqual(demoInstructors(services, COUNT, 7));
    expect(demoInstructors(services, COUNT, 7)).not.toEqual(demoInstructors(services, COUNT, 8));
  });

  it('creates valid instructors through the domain: live ones fully verified, about 20% teaching kids', async () => {
    expect(await instructor.seed(services, { count: COUNT })).toEqual({ created: COUNT, existing: 0, live: 7, kidsCapable: 2 });

    const rows = await instructorDb.query<{ id: string }>(`select id from instructor_profile order by user_id`);
    const seeded = await instructor.profilesWithOnboarding(rows.map((r) => r.id));
    const profiles = seeded.map((s) => s.profile);
    const live = seeded.filter((s) => s.profile.isLive);
    expect(live).toHaveLength(7);
    for (const { profile, onboarding } of live) {
      expect(onboarding).toMatchObject({ isLive: true, canGoLive: true, missingForGoLive: [] });
      expect(profile.identity.status).toBe('VERIFIED');
      expect(profile.payoutAccount.chargesEnabled).toBe(true);
      expect(profile.backgroundCheck).toMatchObject({ status: 'APPROVED', contentType: 'application/pdf', reviewedBy: 'seed-admin' });
      expect(await objectExists(s3, profile.backgroundCheck!.objectKey)).toBe(true);
    }
    for (const profile of profiles) {
      expect(profile.timezone).toBe('America/New_York');
      expect(profile.address).toMatchObject({ state: 'NY', precision: 'POSTAL_CODE' });
      // Inside New York City.
      expect(profile.address!.location.latitude).toBeGreaterThan(40.49);
      expect(profile.address!.location.latitude).toBeLessThan(40.92);
      expect(profile.address!.location.longitude).toBeGreaterThan(-74.26);
      expect(profile.address!.location.longitude).toBeLessThan(-73.7);
    }
    expect(profiles.filter((p) => !p.isLive && p.backgroundCheck?.status === 'PENDING_REVIEW')).toHaveLength(2);
    // Age groups are a Postgres array filtered by membership (GIN index).
    const kids = await instructorDb.query<{ n: string }>(`select count(distinct instructor_id) as n from offered_service where age_groups @> array['kids']`);
    expect(Number(kids[0]!.n)).toBe(2);
  });

  it('changes nothing when run again', async () => {
    const before = await instructorDb.query(`select id, version, revision, xmin::text from instructor_profile order by id`);
    const events = await outboxCount();
    expect(await instructor.seed(services, { count: COUNT })).toEqual({ created: 0, existing: COUNT, live: 0, kidsCapable: 0 });
    expect(await instructorDb.query(`select id, version, revision, xmin::text from instructor_profile order by id`)).toEqual(before);
    expect(await outboxCount()).toBe(events);
  });

  it('publishes its events to Kafka, each valid against its schema', async () => {
    bus = testEventBus('instructor-seed-test');
    const relay = new OutboxRelay({ db: instructorDb, bus, logger: createLogger('relay', 'silent'), schema: 'instructor' });
    const expected = await outboxCount();
    while ((await relay.publishBatch()) > 0);
    // The public topic, and the private one only booking reads (the Connect accounts).
    const collector = await collectMessages(bus, [`${topicPrefix}instructor.events`, `${topicPrefix}instructor.private.payout-accounts`]);
    try {
      await eventually(() => collector.received.length >= expected, 30_000, `${expected} instructor events`);
      const envelopes = collector.received.map((m) => JSON.parse(m.value!.toString()) as EventEnvelope);
      for (const envelope of envelopes) expect(() => registry.validate(envelope)).not.toThrow();
      expect(collector.received.every((m, i) => m.key === envelopes[i]!.aggregateId)).toBe(true);
      expect(envelopes.filter((e) => e.type === 'instructor.went-live')).toHaveLength(7);
      // Each of the 9 instructors with a Connect account: created, then enabled; on the private topic only.
      const payouts = collector.received.filter((_, i) => envelopes[i]!.type === 'instructor.payout-account-updated');
      expect(payouts).toHaveLength(18);
      expect(payouts.every((m) => m.topic === `${topicPrefix}instructor.private.payout-accounts`)).toBe(true);
      const kidsLive = envelopes
        .filter((e) => e.type === 'instructor.went-live')
        .filter((e) => (e.payload as { offeredServices: { ageGroups: string[] }[] }).offeredServices.some((o) => o.ageGroups.includes('kids')));
      expect(kidsLive.length).toBeGreaterThan(0);
    } finally {
      await collector.stop();
    }
  });
});

describe('republishing instructor state', () => {
  it('appends one valid profile-updated per instructor at its current revision, changing nothing else', async () => {
    const profiles = await instructorDb.query<{ id: string; user_id: string; revision: number; version: number; xmin: string }>(
      `select id, user_id, revision::int as revision, version, xmin::text from instructor_profile order by id`,
    );
    const lastSeq = Number((await instructorDb.query<{ seq: string }>(`select coalesce(max(seq), 0) as seq from outbox`))[0]!.seq);
    expect(await instructor.republishState(3)).toBe(COUNT);
    const rows = await instructorDb.query<{ type: string; envelope: EventEnvelope }>(`select type, envelope from outbox where seq > $1 order by seq`, [lastSeq]);
    expect(rows.map((r) => r.type)).toEqual(Array(COUNT).fill('instructor.profile-updated'));
    const payloads = rows.map((r) => {
      expect(() => registry.validate(r.envelope)).not.toThrow();
      return r.envelope.payload as { instructorId: string; userId: string; revision: number; changed: string[] };
    });
    expect(payloads.map((p) => ({ id: p.instructorId, user_id: p.userId, revision: p.revision }))).toEqual(profiles.map((p) => ({ id: p.id, user_id: p.user_id, revision: p.revision })));
    expect(payloads.every((p) => p.changed.length === 0)).toBe(true);
    expect(await instructorDb.query(`select id, user_id, revision::int as revision, version, xmin::text from instructor_profile order by id`)).toEqual(profiles);
  });
});
