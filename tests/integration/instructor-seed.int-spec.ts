import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EventSchemaRegistry, type EventEnvelope } from '@instainstru/events';
import { createLogger, Database, Outbox, OutboxRelay, type EventBus } from '@instainstru/platform';
import { bucketName, collectMessages, createTestDatabase, ensureBucket, eventually, keysUnder, objectExists, s3Client, type TestDatabase, testEventBus, uniqueTopicPrefix } from '@instainstru/test-harness';
import { listCatalogServices, seedCatalog } from '../../services/catalog/src/module';
import { factsOf, onboardingStatus } from '../../services/instructor/src/domain/onboarding.rules';
import { PostgresInstructorRepository } from '../../services/instructor/src/infra/instructor.repository';
import { demoInstructors, republishInstructorState, seedInstructorsWith, type SeedCatalogService } from '../../services/instructor/src/module';

let testDb: TestDatabase;
let catalogDb: Database;
let instructorDb: Database;
let s3: S3Client;
let outbox: Outbox;
let services: SeedCatalogService[];
let bus: EventBus | undefined;
const registry = new EventSchemaRegistry();
const topicPrefix = uniqueTopicPrefix('instr-seed');
const COUNT = 10;

beforeAll(async () => {
  testDb = await createTestDatabase();
  catalogDb = await new Database({ url: testDb.urlFor('catalog'), schema: 'catalog', poolMax: 2 }).connect();
  instructorDb = await new Database({ url: testDb.urlFor('instructor'), schema: 'instructor', poolMax: 4 }).connect();
  await seedCatalog(catalogDb);
  services = await listCatalogServices(catalogDb);
  s3 = s3Client();
  await ensureBucket(s3);
  outbox = new Outbox(registry, topicPrefix);
});

afterAll(async () => {
  const seeded = await instructorDb?.query<{ id: string }>(`select id from instructor_profile`);
  for (const { id } of seeded ?? []) {
    for (const key of await keysUnder(s3, `instructors/${id}/`)) await s3.send(new DeleteObjectCommand({ Bucket: bucketName(), Key: key }));
  }
  s3?.destroy();
  await bus?.close();
  await catalogDb?.close();
  await instructorDb?.close();
  await testDb?.drop();
});

const outboxCount = async () => Number((await instructorDb.query<{ n: string }>(`select count(*) as n from outbox`))[0]!.n);

describe('demo instructor seed', () => {
  it('is deterministic for a given seed and catalog', () => {
    expect(demoInstructors(services, COUNT, 7)).toEqual(demoInstructors(services, COUNT, 7));
    expect(demoInstructors(services, COUNT, 7)).not.toEqual(demoInstructors(services, COUNT, 8));
  });

  it('creates valid instructors through the domain: live ones fully verified, about 20% teaching kids', async () => {
    expect(await seedInstructorsWith({ db: instructorDb, outbox }, services, { count: COUNT })).toEqual({ created: COUNT, existing: 0, live: 7, kidsCapable: 2 });

    const repository = new PostgresInstructorRepository(instructorDb, outbox);
    const rows = await instructorDb.query<{ id: string }>(`select id from instructor_profile order by user_id`);
    const profiles = await repository.findByIds(rows.map((r) => r.id));
    const offered = await repository.offeredServicesOf(rows.map((r) => r.id));
    const live = profiles.filter((p) => p.isLive);
    expect(live).toHaveLength(7);
    for (const profile of live) {
      const status = onboardingStatus(factsOf(profile, offered.filter((o) => o.instructorId === profile.id).length));
      expect(status).toMatchObject({ isLive: true, canGoLive: true, missingForGoLive: [] });
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
    expect(await seedInstructorsWith({ db: instructorDb, outbox }, services, { count: COUNT })).toEqual({ created: 0, existing: COUNT, live: 0, kidsCapable: 0 });
    expect(await instructorDb.query(`select id, version, revision, xmin::text from instructor_profile order by id`)).toEqual(before);
    expect(await outboxCount()).toBe(events);
  });

  it('publishes its events to Kafka, each valid against its schema', async () => {
    bus = testEventBus('instructor-seed-test');
    const relay = new OutboxRelay({ db: instructorDb, bus, logger: createLogger('relay', 'silent'), schema: 'instructor' });
    const expected = await outboxCount();
    while ((await relay.publishBatch()) > 0);
    const collector = await collectMessages(bus, [`${topicPrefix}instructor.events`]);
    try {
      await eventually(() => collector.received.length >= expected, 30_000, `${expected} instructor events`);
      const envelopes = collector.received.map((m) => JSON.parse(m.value!.toString()) as EventEnvelope);
      for (const envelope of envelopes) expect(() => registry.validate(envelope)).not.toThrow();
      expect(collector.received.every((m, i) => m.key === envelopes[i]!.aggregateId)).toBe(true);
      expect(envelopes.filter((e) => e.type === 'instructor.went-live')).toHaveLength(7);
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
    expect(await republishInstructorState(instructorDb, outbox, 3)).toBe(COUNT);
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
