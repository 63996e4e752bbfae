import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventEnvelope } from '@instainstru/events';
import { catalogSql, dataOf, instructorStateEvent, publishEvents, serviceIdsByName, startStack, type TestStack } from '@instainstru/test-harness';
import { type CatalogService, createCatalogModule } from '../../services/catalog/src/module';
import { type CatalogPipeline, catalogProcessed, startCatalogPipeline } from '../support/catalog';

let stack: TestStack;
let pipeline: CatalogPipeline;
let serviceIds: Record<string, string>;

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  pipeline = await startCatalogPipeline(stack);
  serviceIds = await serviceIdsByName(stack);
});

afterAll(async () => {
  await pipeline?.stop();
  await stack?.stop();
});

/** An instructor state event with one offered service, whose id is derived from the instructor's (so updates replace it). */
const instructorEvent = (options: { instructorId: string; revision: number; isLive: boolean; serviceId: string; ageGroups: string[] }): EventEnvelope =>
  instructorStateEvent({
    instructorId: options.instructorId,
    userId: `user-${options.instructorId}`,
    revision: options.revision,
    isLive: options.isLive,
    displayName: `Instructor r${options.revision}`,
    postalCode: '11201',
    offered: [
      {
        offeredServiceId: `${options.instructorId.slice(0, 24)}${'0'.repeat(12)}`,
        serviceId: options.serviceId,
        rateMinor: 5000,
        durationsMinutes: [60],
        ageGroups: options.ageGroups,
        lessonModes: ['online'],
      },
    ],
  });

const publish = (event: EventEnvelope) => publishEvents(stack, [event]);

/** Waits until the consumer recorded the event in its inbox (applied or dropped, its transaction committed). */
const processed = (event: EventEnvelope) => catalogProcessed(stack, [event]);

const kidsServices = async () =>
  dataOf<{ kidsAvailableServices: { name: string }[] }>(await stack.graphql('{ kidsAvailableServices { name } }')).kidsAvailableServices.map((s) => s.name);

const stored = async (instructorId: string) => {
  const [row] = await catalogSql<{ revision: number; is_live: boolean; display_name: string }>(
    stack,
    `select revision, is_live, display_name from instructor_listing where instructor_id = $1`,
    [instructorId],
  );
  const offered = await catalogSql<{ age_groups: string[]; rate_minor: number; currency: string; lesson_modes: string[] }>(
    stack,
    `select age_groups, rate_minor, currency, lesson_modes from offered_service where instructor_id = $1`,
    [instructorId],
  );
  return { ...row, offered };
};

describe('successful read model updates from instructor events', () => {
  it('stores the instructor, the offered service and its terms from one event', async () => {
    const instructorId = randomUUID();
    const live = instructorEvent({ instructorId, revision: 1, isLive: true, serviceId: serviceIds.Guitar!, ageGroups: ['kids', 'adults'] });
    await publish(live);
    await processed(live);
    expect(await stored(instructorId)).toEqual({
      revision: 1,
      is_live: true,
      display_name: 'Instructor r1',
      offered: [{ age_groups: ['kids', 'adults'], rate_minor: 5000, currency: 'USD', lesson_modes: ['online'] }],
    });
    expect(await kidsServices()).toContain('Guitar');
  });
});

describe('failing (ignored) events: redelivered and out of order', () => {
  it('a late event with an older revision changes nothing', async () => {
    const instructorId = randomUUID();
    const newer = instructorEvent({ instructorId, revision: 5, isLive: true, serviceId: serviceIds.Ukulele!, ageGroups: ['kids'] });
    const older = instructorEvent({ instructorId, revision: 4, isLive: false, serviceId: serviceIds.Ukulele!, ageGroups: ['adults'] });
    await publish(newer);
    await processed(newer);
    const before = await stored(instructorId);
    await publish(older);
    await processed(older);
    expect(await stored(instructorId)).toEqual(before);
    expect(before).toMatchObject({ revision: 5, is_live: true });
    expect(await kidsServices()).toContain('Ukulele');
  });

  it('a redelivered event is applied once, even after a newer one reverted its effect', async () => {
    const instructorId = randomUUID();
    const live = instructorEvent({ instructorId, revision: 1, isLive: true, serviceId: serviceIds.Flute!, ageGroups: ['kids'] });
    const offline = instructorEvent({ instructorId, revision: 2, isLive: false, serviceId: serviceIds.Flute!, ageGroups: ['kids'] });
    await publish(live);
    await processed(live);
    expect(await kidsServices()).toContain('Flute');
    await publish(offline);
    await processed(offline);
    expect(await kidsServices()).not.toContain('Flute');

    await publish(live);
    // Same key, so the same partition: once this one is processed, the redelivery was too.
    const marker = instructorEvent({ instructorId, revision: 1, isLive: true, serviceId: serviceIds.Flute!, ageGroups: ['kids'] });
    await publish(marker);
    await processed(marker);
    const inbox = await catalogSql<{ n: string }>(stack, `select count(*) as n from inbox where consumer = $1 and event_id = $2`, [pipeline.groupId, live.id]);
    expect(inbox[0]!.n).toBe('1');
    expect(await stored(instructorId)).toMatchObject({ revision: 2, is_live: false });
    expect(await kidsServices()).not.toContain('Flute');
  });
});

describe('the Kids cache under a racing reader', () => {
  it('a reader that computed its answer before the invalidation never leaves it for later readers', async () => {
    const cache = pipeline.catalog.kidsServicesCache(`race-${randomUUID()}.`);
    const old: CatalogService[] = [{ id: 'a', slug: 'piano', name: 'Piano', categoryId: 'c', synonyms: [] }];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The slow reader read the database before the change committed…
    const slow = cache.get(async () => {
      await gate;
      return old;
    });
    // …the change commits and the consumer invalidates; then the slow reader stores its answer.
    await cache.invalidate();
    release();
    expect(await slow).toEqual(old);
    expect(await cache.get(async () => [])).toEqual([]);
    expect(await cache.get(async () => old)).toEqual([]);
  });

  it('answers from Postgres, not from a stale copy, when Redis does not answer', async () => {
    const down = new Redis('redis://127.0.0.1:9', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    down.on('error', () => undefined);
    try {
      const cache = createCatalogModule(stack.deps.catalog!, { redis: down }).kidsServicesCache('down.');
      const fresh: CatalogService[] = [{ id: 'b', slug: 'violin', name: 'Violin', categoryId: 'c', synonyms: [] }];
      expect(await cache.get(async () => fresh)).toEqual(fresh);
    } finally {
      down.disconnect();
    }
  });
});
