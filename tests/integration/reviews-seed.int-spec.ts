import { randomUUID } from 'node:crypto';
import { bayesianRating, EventSchemaRegistry, platformMean, type EventEnvelope } from '@instainstru/events';
import { closeServiceDeps, OutboxRelay, type ServiceDeps } from '@instainstru/platform';
import { createTestDatabase, eventually, startWorkers, testServiceDeps, uniqueTopicPrefix, type RunningWorkers, type TestDatabase } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createReviewsModule, type ReviewsModule, type SeedReviewedInstructor, type SeedReviewsResult } from '../../services/reviews/src/module';

/**
 * The demo reviews `npm start` seeds: completed past lessons of the live demo instructors, most of
 * them reviewed (ratings skewed high, about half with a text, some with a response), written as
 * createReview writes them, so the aggregates are exact and the catalog ranks from the events.
 */
let testDb: TestDatabase;
let reviewsDeps: ServiceDeps;
let catalogDeps: ServiceDeps;
let reviews: ReviewsModule;
let workers: RunningWorkers | undefined;
let first: SeedReviewsResult;
const topicPrefix = uniqueTopicPrefix('reviews-seed');
const registry = new EventSchemaRegistry();
const now = new Date();
const ALL_SERVICES = '00000000-0000-0000-0000-000000000000';
const CATEGORIES = ['music', 'languages', 'sports-fitness', 'tutoring', 'arts', 'dance'];

/**
 * A hundred demo instructors as the instructor seed names them (enough for the rarer histories, no
 * lessons yet or one 5-star review, to occur), each offering one to three services; every fifth teaches kids.
 */
const instructors: SeedReviewedInstructor[] = Array.from({ length: 100 }, (_, i) => ({
  id: randomUUID(),
  userId: `seed-instructor-${String(i + 1).padStart(3, '0')}`,
  services: Array.from({ length: 1 + (i % 3) }, (_, k) => ({ serviceId: randomUUID(), categorySlug: CATEGORIES[(i + k) % CATEGORIES.length]!, forKids: i % 5 === 0 })),
}));

beforeAll(async () => {
  testDb = await createTestDatabase();
  reviewsDeps = await testServiceDeps(testDb, 'reviews', { topicPrefix });
  catalogDeps = await testServiceDeps(testDb, 'catalog', { topicPrefix });
  reviews = createReviewsModule(reviewsDeps);
  first = await reviews.seed(instructors, { now });
});

afterAll(async () => {
  await workers?.stop();
  if (catalogDeps) await closeServiceDeps(catalogDeps);
  if (reviewsDeps) await closeServiceDeps(reviewsDeps);
  await testDb?.drop();
});

const sql = <Row>(text: string, params: unknown[] = []) => reviewsDeps.db.query<Row>(text, params);

interface ReviewRow {
  rating: number;
  text: string | null;
  student_name: string;
  response_text: string | null;
  responded_at: Date | null;
  created_at: Date;
  completed_at: Date;
}

/** Each instructor's overall aggregate as the reviews service keeps it. */
async function aggregates(): Promise<Map<string, { count: number; sum: number }>> {
  const rows = await sql<{ instructor_id: string; review_count: number; rating_sum: number }>(
    `select instructor_id, review_count, rating_sum from rating_aggregate where service_id = $1 and review_count > 0`,
    [ALL_SERVICES],
  );
  return new Map(rows.map((r) => [r.instructor_id, { count: r.review_count, sum: r.rating_sum }]));
}

describe('successful demo review seed', () => {
  it('records completed past lessons and reviews them: ratings skewed high, about half with a text, some with a response', async () => {
    const lessons = await sql<{ status: string; starts_at: Date; completed_at: Date; instructor_id: string }>(`select status, starts_at, completed_at, instructor_id from lesson`);
    const rows = await sql<ReviewRow>(
      `select r.rating, r.text, r.student_name, r.response_text, r.responded_at, r.created_at, l.completed_at from review r join lesson l using (booking_id)`,
    );
    expect(first).toMatchObject({ lessons: lessons.length, reviews: rows.length, existing: 0 });
    expect(rows.length).toBeGreaterThan(200);
    expect(rows.length / lessons.length).toBeGreaterThan(0.75);
    for (const lesson of lessons) {
      expect(lesson.status).toBe('COMPLETED');
      expect(lesson.starts_at.getTime()).toBeLessThan(lesson.completed_at.getTime());
      const daysAgo = (now.getTime() - lesson.completed_at.getTime()) / 86_400_000;
      expect(daysAgo).toBeGreaterThanOrEqual(1);
      expect(daysAgo).toBeLessThanOrEqual(122);
    }
    expect(new Set(lessons.map((l) => l.instructor_id)).size).toBe(first.instructors);

    const share = (test: (r: ReviewRow) => boolean) => rows.filter(test).length / rows.length;
    expect(share((r) => r.rating === 5)).toBeGreaterThan(0.45);
    expect(share((r) => r.rating === 5)).toBeLessThan(0.75);
    expect(share((r) => r.rating === 4)).toBeGreaterThan(0.15);
    expect(share((r) => r.rating === 4)).toBeLessThan(0.35);
    expect(share((r) => r.rating <= 2)).toBeLessThan(0.15);
    expect(share((r) => r.rating <= 2)).toBeGreaterThan(0);
    const mean = rows.reduce((sum, r) => sum + r.rating, 0) / rows.length;
    expect(mean).toBeGreaterThan(4.1);
    expect(mean).toBeLessThan(4.6);
    expect(share((r) => r.text !== null)).toBeGreaterThan(0.35);
    expect(share((r) => r.text !== null)).toBeLessThan(0.65);
    expect(share((r) => r.response_text !== null)).toBeGreaterThan(0.12);
    expect(share((r) => r.response_text !== null)).toBeLessThan(0.4);
    expect(first.withText).toBe(rows.filter((r) => r.text !== null).length);
    expect(first.responses).toBe(rows.filter((r) => r.response_text !== null).length);

    for (const review of rows) {
      // Shown as "First L.", written within the review window after the lesson, answered after it was written.
      expect(review.student_name).toMatch(/^\p{Lu}[\p{L}']+ \p{Lu}\.$/u);
      expect(review.created_at.getTime()).toBeGreaterThan(review.completed_at.getTime());
      expect(review.created_at.getTime()).toBeLessThanOrEqual(review.completed_at.getTime() + 14 * 86_400_000);
      expect(review.created_at.getTime()).toBeLessThan(now.getTime());
      if (review.responded_at) {
        expect(review.responded_at.getTime()).toBeGreaterThan(review.created_at.getTime());
        expect(review.responded_at.getTime()).toBeLessThan(now.getTime());
      }
    }
  });

  it('gives some instructors no lessons, a few exactly one 5-star review, and the rest averages that differ, so the Bayesian order is not the plain one', async () => {
    const byInstructor = await aggregates();
    const withLessons = new Set((await sql<{ instructor_id: string }>(`select distinct instructor_id from lesson`)).map((r) => r.instructor_id));
    expect(instructors.filter((i) => !withLessons.has(i.id)).length).toBeGreaterThan(0);
    const newcomers = [...byInstructor.values()].filter((a) => a.count === 1);
    expect(newcomers.filter((a) => a.sum === 5).length).toBeGreaterThan(0);
    const established = [...byInstructor.values()].filter((a) => a.count >= 8);
    const averages = established.map((a) => a.sum / a.count);
    expect(established.length).toBeGreaterThan(10);
    expect(Math.max(...averages) - Math.min(...averages)).toBeGreaterThan(0.5);

    // One 5-star review ranks below the best of the instructors with many reviews, though its plain average is higher.
    const [totals] = await sql<{ review_count: number; rating_sum: number }>(`select review_count, rating_sum from rating_totals`);
    const mean = platformMean(totals!.rating_sum, totals!.review_count);
    const bayes = (a: { count: number; sum: number }) => bayesianRating(a.sum, a.count, mean)!;
    const best = established.reduce((a, b) => (bayes(a) >= bayes(b) ? a : b));
    expect(best.sum / best.count).toBeLessThan(5);
    expect(bayes(best)).toBeGreaterThan(bayes({ count: 1, sum: 5 }));
  });

  it('keeps the aggregates exact: rebuilding them from the reviews finds no drifted row', async () => {
    const instructorsWithReviews = (await aggregates()).size;
    const [totals] = await sql<{ review_count: number; rating_sum: number }>(`select review_count, rating_sum from rating_totals`);
    const [counted] = await sql<{ n: number; sum: number }>(`select count(*)::int as n, sum(rating)::int as sum from review where visible`);
    expect(totals).toEqual({ review_count: counted!.n, rating_sum: counted!.sum });
    expect(await reviews.recomputeRatings()).toEqual({ drifted: 0, instructors: instructorsWithReviews });
  });

  it('writes nothing when run again, even days later', async () => {
    const snapshot = async () => ({
      lessons: await sql(`select booking_id, status, completed_at, xmin::text from lesson order by booking_id`),
      reviews: await sql(`select id, rating, version, updated_at, xmin::text from review order by id`),
      aggregates: await sql(`select *, xmin::text from rating_aggregate order by instructor_id, service_id`),
      totals: await sql(`select *, xmin::text from rating_totals`),
      outbox: await sql(`select count(*)::int as n, max(seq)::text as last from outbox`),
    });
    const before = await snapshot();
    const again = await reviews.seed(instructors, { now: new Date(now.getTime() + 3 * 86_400_000) });
    expect(again).toEqual({ instructors: first.instructors, lessons: 0, reviews: 0, withText: 0, responses: 0, existing: first.reviews });
    expect(await snapshot()).toEqual(before);
  });

  it('publishes review.published for every review and review.responded for every response, from which the catalog ranks the same ratings', async () => {
    const rows = await sql<{ type: string; envelope: EventEnvelope }>(`select type, envelope from outbox order by seq`);
    expect(rows.filter((r) => r.type === 'review.published')).toHaveLength(first.reviews);
    expect(rows.filter((r) => r.type === 'review.responded')).toHaveLength(first.responses);
    for (const { envelope } of rows) expect(() => registry.validate(envelope)).not.toThrow();

    const relay = new OutboxRelay({ db: reviewsDeps.db, bus: reviewsDeps.bus, logger: reviewsDeps.logger, schema: 'reviews', pollMs: 100 });
    workers = await startWorkers([...createCatalogModule(catalogDeps).workers(), { name: 'reviews-outbox-relay', start: () => relay.start(), stop: () => relay.stop() }]);
    const expected = await aggregates();
    const catalogRatings = async () =>
      new Map(
        (await catalogDeps.db.query<{ instructor_id: string; review_count: number; rating_sum: number }>(`select instructor_id, review_count, rating_sum from instructor_rating where review_count > 0`)).map(
          (r) => [r.instructor_id, { count: r.review_count, sum: r.rating_sum }],
        ),
      );
    await eventually(async () => (await catalogRatings()).size === expected.size && (await catalogDeps.db.query(`select 1 from rating_totals where review_count = $1`, [first.reviews])).length === 1, 45_000, 'the catalog to apply every review');
    expect(await catalogRatings()).toEqual(expected);
  }, 60_000);
});
