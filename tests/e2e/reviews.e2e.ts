import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { callerKeyFor, signCaller } from '@instainstru/platform';
import { dataOf, errorOf, eventually, outboxEvents, publishEvents, sqlAs, startStack, startWorkers, type RunningWorkers, type TestStack } from '@instainstru/test-harness';
import { createInstructorModule } from '../../services/instructor/src/module';
import { createReviewsModule, type ReviewsModule } from '../../services/reviews/src/module';
import { lessonEvent, type TestLesson } from '../support/reviews';

/**
 * Reviews through the gateway: who may review comes from booking's events (published to Kafka as
 * booking publishes them, consumed by the reviews worker), never from the client; one review per
 * lesson under any concurrency; edits, the instructor's response, moderation; ratings kept in the
 * same transaction as every change, equal to a recompute from the reviews table.
 */
let stack: TestStack;
let reviewsModule: ReviewsModule;
let workers: RunningWorkers;
let clockOffsetMs = 0;
const instructorIds: string[] = [];
const teacherSub = (i: number) => `review-teacher-${i}`;
const piano = randomUUID();
const violin = randomUUID();

beforeAll(async () => {
  stack = await startStack({
    instructor: (deps) => createInstructorModule(deps).subgraph(),
    reviews: (deps) => {
      reviewsModule = createReviewsModule(deps, { clock: () => new Date(Date.now() + clockOffsetMs) });
      return reviewsModule.subgraph();
    },
  });
  workers = await startWorkers([reviewsModule.bookingLessonsWorker()]);
  const client = new pg.Client({ connectionString: stack.db.urlFor('instructor') });
  await client.connect();
  try {
    for (let i = 0; i < 50; i += 1) {
      const { rows } = await client.query<{ id: string }>(
        `insert into instructor.instructor_profile (user_id, display_name, timezone, is_live) values ($1, $2, 'America/New_York', true) returning id`,
        [teacherSub(i), `Review Teacher ${i}`],
      );
      instructorIds.push(rows[0]!.id);
    }
  } finally {
    await client.end();
  }
}, 60_000);

afterAll(async () => {
  await workers?.stop();
  await stack?.stop();
});

afterEach(() => {
  clockOffsetMs = 0;
});

const REVIEW = `id rating text studentName createdAt editedAt editableUntil visible response { text respondedAt } instructor { id } service { id }`;
const CREATE = `mutation($input: CreateReviewInput!) { createReview(input: $input) { ${REVIEW} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateReviewInput!) { updateReview(reviewId: $id, input: $input) { ${REVIEW} } }`;
const RESPOND = `mutation($id: ID!, $text: String!) { respondToReview(reviewId: $id, text: $text) { ${REVIEW} } }`;
const REPORT = `mutation($id: ID!, $reason: String!) { reportReview(reviewId: $id, reason: $reason) { reviewId reportedAt } }`;
const HIDE = `mutation($id: ID!, $reason: String!) { hideReview(reviewId: $id, reason: $reason) { id visible } }`;
const RESTORE = `mutation($id: ID!, $reason: String!) { restoreReview(reviewId: $id, reason: $reason) { id visible } }`;
const AWAITING = `{ reviewsAwaitingModeration { edges { node { review { id } reportCount reasons } } } }`;
const REVIEWABLE = `{ myReviewableBookings { bookingId instructor { id } service { id } completedAt reviewableUntil } }`;
const RATING = `count average distribution { stars count } bayesianAverage`;
const INSTRUCTOR = `query($id: ID!, $service: ID) { instructor(id: $id) { id displayName rating { ${RATING} byService { service { id } rating { ${RATING} } } }
  reviews(first: 10, serviceId: $service) { edges { cursor node { id rating text studentName response { text } } } pageInfo { hasNextPage endCursor } } } }`;

interface ReviewView {
  id: string;
  rating: number;
  text: string | null;
  studentName: string;
  editedAt: string | null;
  editableUntil: string | null;
  visible: boolean;
  response: { text: string } | null;
}
interface RatingView {
  count: number;
  average: number | null;
  distribution: { stars: number; count: number }[];
  bayesianAverage: number | null;
}
interface InstructorView {
  rating: RatingView & { byService: { service: { id: string }; rating: RatingView }[] };
  reviews: { edges: { cursor: string; node: ReviewView }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

let studentSeq = 0;
async function student(name = 'Jane Doe') {
  const sub = `review-student-${(studentSeq += 1)}`;
  return { sub, token: await stack.token({ sub, roles: ['student'], name }) };
}

/** A lesson of `studentSub` with instructor `i`, known to reviews through booking's events (completed unless said). */
async function lesson(studentSub: string, i: number, options: { status?: 'completed' | 'confirmed' | 'cancelled' | 'no-show'; completedAt?: Date; serviceId?: string } = {}): Promise<string> {
  const bookingId = randomUUID();
  const startsAt = new Date(Date.now() - 2 * 3_600_000);
  const base: TestLesson = { bookingId, studentUserId: studentSub, instructorId: instructorIds[i]!, instructorUserId: teacherSub(i), serviceId: options.serviceId ?? piano, startsAt, completedAt: options.completedAt };
  const status = options.status ?? 'completed';
  const events = [lessonEvent('booking.confirmed', base)];
  if (status !== 'confirmed') events.push(lessonEvent(`booking.${status}`, base));
  await publishEvents(stack, events);
  const expected = status === 'no-show' ? 'NO_SHOW' : status.toUpperCase();
  await eventually(
    async () => (await sqlAs<{ status: string }>(stack, 'reviews', `select status from lesson where booking_id = $1`, [bookingId]))[0]?.status === expected,
    20_000,
    `reviews to know lesson ${bookingId} as ${expected}`,
  );
  return bookingId;
}

const create = (token: string, input: Record<string, unknown>) => stack.graphql(CREATE, { token, variables: { input } });
const instructorView = async (i: number, service?: string) =>
  dataOf<{ instructor: InstructorView }>(await stack.graphql(INSTRUCTOR, { variables: { id: instructorIds[i], service } })).instructor;
const reviewRows = async (bookingId: string) => Number((await sqlAs<{ n: string }>(stack, 'reviews', `select count(*) as n from review where booking_id = $1`, [bookingId]))[0]!.n);
const facts = async (reviewId: string) => (await outboxEvents(stack, 'reviews', reviewId)).map((e) => [e.type, (e.payload as { version: number }).version]);

describe('writing a review', () => {
  it('the lesson’s student reviews a completed lesson: trimmed text, first name and initial, the rating and the list follow', async () => {
    const jane = await student('Jane  Doe');
    const bookingId = await lesson(jane.sub, 0);
    const reviewable = dataOf<{ myReviewableBookings: { bookingId: string; instructor: { id: string }; reviewableUntil: string }[] }>(await stack.graphql(REVIEWABLE, { token: jane.token }));
    expect(reviewable.myReviewableBookings).toEqual([expect.objectContaining({ bookingId, instructor: { id: instructorIds[0] } })]);

    const { createReview } = dataOf<{ createReview: ReviewView }>(await create(jane.token, { bookingId, rating: 5, text: '  Patient and clear.\r\nWould book again!  ' }));
    expect(createReview).toMatchObject({ rating: 5, text: 'Patient and clear.\nWould book again!', studentName: 'Jane D.', visible: true, response: null, editedAt: null });
    expect(Date.parse(createReview.editableUntil!) - Date.now()).toBeGreaterThan(47 * 3_600_000);
    expect(await facts(createReview.id)).toEqual([['review.published', 1]]);

    const view = await instructorView(0);
    expect(view.rating).toMatchObject({ count: 1, average: 5, distribution: [1, 2, 3, 4, 5].map((stars) => ({ stars, count: stars === 5 ? 1 : 0 })) });
    expect(view.rating.bayesianAverage).toBeGreaterThan(0);
    expect(view.rating.byService).toEqual([{ service: { id: piano }, rating: expect.objectContaining({ count: 1, average: 5 }) }]);
    expect(view.reviews.edges.map((e) => e.node.id)).toEqual([createReview.id]);
    expect(dataOf<{ myReviewableBookings: unknown[] }>(await stack.graphql(REVIEWABLE, { token: jane.token })).myReviewableBookings).toEqual([]);
  });

  it('refuses what is not the student’s to review, with clear codes and nothing written', async () => {
    const ann = await student('Ann Lee');
    const other = await student('Bob Ray');
    const completed = await lesson(ann.sub, 1);
    const confirmed = await lesson(ann.sub, 1, { status: 'confirmed' });
    const cancelled = await lesson(ann.sub, 1, { status: 'cancelled' });
    const noShow = await lesson(ann.sub, 1, { status: 'no-show' });
    const old = await lesson(ann.sub, 1, { completedAt: new Date(Date.now() - 15 * 86_400_000) });
    const teacher = await stack.token({ sub: teacherSub(1), roles: ['instructor'] });

    expect(errorOf(await create(other.token, { bookingId: completed, rating: 5 }))).toMatchObject({ code: 'NOT_FOUND', reason: 'LESSON_NOT_FOUND' });
    expect(errorOf(await create(ann.token, { bookingId: randomUUID(), rating: 5 }))).toMatchObject({ code: 'NOT_FOUND', reason: 'LESSON_NOT_FOUND' });
    expect(errorOf(await create(ann.token, { bookingId: 'not-a-uuid', rating: 5 }))).toMatchObject({ reason: 'LESSON_NOT_FOUND' });
    expect(errorOf(await create(ann.token, { bookingId: confirmed, rating: 5 }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NOT_COMPLETED' });
    expect(errorOf(await create(ann.token, { bookingId: cancelled, rating: 5 }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_CANCELLED' });
    expect(errorOf(await create(ann.token, { bookingId: noShow, rating: 5 }))).toMatchObject({ code: 'CONFLICT', reason: 'LESSON_NO_SHOW' });
    expect(errorOf(await create(ann.token, { bookingId: old, rating: 5 }))).toMatchObject({ code: 'CONFLICT', reason: 'REVIEW_WINDOW_CLOSED' });
    for (const rating of [0, 6, -1]) expect(errorOf(await create(ann.token, { bookingId: completed, rating }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RATING' });
    expect(errorOf(await create(ann.token, { bookingId: completed, rating: 4.5 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(errorOf(await create(ann.token, { bookingId: completed, rating: 4, text: 'bad\u0007bell' }))).toMatchObject({ reason: 'INVALID_TEXT' });
    expect(errorOf(await create(ann.token, { bookingId: completed, rating: 4, text: 'x'.repeat(2001) }))).toMatchObject({ reason: 'TEXT_TOO_LONG' });
    expect(errorOf(await create(teacher, { bookingId: completed, rating: 5 }))).toMatchObject({ code: 'FORBIDDEN', reason: 'STUDENT_ROLE_REQUIRED' });
    expect(errorOf(await stack.graphql(CREATE, { variables: { input: { bookingId: completed, rating: 5 } } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    for (const bookingId of [completed, confirmed, cancelled, noShow, old]) expect(await reviewRows(bookingId)).toBe(0);
    expect((await instructorView(1)).rating.count).toBe(0);

    // A redelivered or late confirmation never reopens a finished lesson.
    await publishEvents(stack, [lessonEvent('booking.confirmed', { bookingId: cancelled, studentUserId: ann.sub, instructorId: instructorIds[1]!, instructorUserId: teacherSub(1), serviceId: piano, startsAt: new Date() })]);
    const marker = await lesson(ann.sub, 1, { status: 'confirmed' });
    expect(marker).toBeTruthy();
    expect(errorOf(await create(ann.token, { bookingId: cancelled, rating: 5 }))).toMatchObject({ reason: 'LESSON_CANCELLED' });
  });

  it('twenty concurrent reviews of one lesson make one review; the others are ALREADY_REVIEWED', async () => {
    const sam = await student('Sam');
    const bookingId = await lesson(sam.sub, 2);
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => create(sam.token, { bookingId, rating: (n % 5) + 1 })));
    const made = results.filter((r) => !r.body.errors);
    expect(made).toHaveLength(1);
    for (const refused of results.filter((r) => r.body.errors)) expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_REVIEWED' });
    expect(await reviewRows(bookingId)).toBe(1);
    const { rating } = await instructorView(2);
    expect(rating.count).toBe(1);
    expect(dataOf<{ createReview: ReviewView }>(made[0]!).createReview.studentName).toBe('Sam');
  });
});

describe('editing and responding', () => {
  it('the student edits until the instructor responds; the instructor responds once; the rating follows each edit', async () => {
    const kim = await student('Kim Park');
    const bookingId = await lesson(kim.sub, 3, { serviceId: violin });
    const { createReview: review } = dataOf<{ createReview: ReviewView }>(await create(kim.token, { bookingId, rating: 2, text: 'Late.' }));
    const stranger = await student('Eve Stone');
    expect(errorOf(await stack.graphql(UPDATE, { token: stranger.token, variables: { id: review.id, input: { rating: 5 } } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_REVIEW_AUTHOR' });
    expect(errorOf(await stack.graphql(UPDATE, { token: kim.token, variables: { id: review.id, input: {} } }))).toMatchObject({ reason: 'NOTHING_TO_CHANGE' });

    const { updateReview } = dataOf<{ updateReview: ReviewView }>(await stack.graphql(UPDATE, { token: kim.token, variables: { id: review.id, input: { rating: 4, text: '' } } }));
    expect(updateReview).toMatchObject({ rating: 4, text: null, editedAt: expect.any(String) });
    const view = await instructorView(3, violin);
    expect(view.rating).toMatchObject({ count: 1, average: 4 });
    expect(view.rating.distribution.find((d) => d.stars === 2)!.count).toBe(0);
    expect(view.reviews.edges.map((e) => e.node.id)).toEqual([review.id]);
    expect((await instructorView(3, piano)).reviews.edges).toEqual([]);

    const teacher = await stack.token({ sub: teacherSub(3), roles: ['instructor'] });
    const otherTeacher = await stack.token({ sub: teacherSub(4), roles: ['instructor'] });
    expect(errorOf(await stack.graphql(RESPOND, { token: otherTeacher, variables: { id: review.id, text: 'Thanks' } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_REVIEWED_INSTRUCTOR' });
    expect(errorOf(await stack.graphql(RESPOND, { token: teacher, variables: { id: review.id, text: '   ' } }))).toMatchObject({ reason: 'INVALID_TEXT' });
    const { respondToReview } = dataOf<{ respondToReview: ReviewView }>(await stack.graphql(RESPOND, { token: teacher, variables: { id: review.id, text: ' Thank you, Kim! ' } }));
    expect(respondToReview).toMatchObject({ response: { text: 'Thank you, Kim!' }, editableUntil: null });
    expect(errorOf(await stack.graphql(RESPOND, { token: teacher, variables: { id: review.id, text: 'Again' } }))).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_RESPONDED' });
    expect(errorOf(await stack.graphql(UPDATE, { token: kim.token, variables: { id: review.id, input: { rating: 5 } } }))).toMatchObject({ code: 'CONFLICT', reason: 'EDIT_WINDOW_CLOSED' });
    expect(await facts(review.id)).toEqual([
      ['review.published', 1],
      ['review.updated', 2],
      ['review.responded', 3],
    ]);
  });

  it('no edit after the edit window', async () => {
    const lee = await student('Lee Wu');
    const bookingId = await lesson(lee.sub, 5);
    const { createReview: review } = dataOf<{ createReview: ReviewView }>(await create(lee.token, { bookingId, rating: 3 }));
    clockOffsetMs = 48 * 3_600_000 + 60_000;
    expect(errorOf(await stack.graphql(UPDATE, { token: lee.token, variables: { id: review.id, input: { rating: 5 } } }))).toMatchObject({ code: 'CONFLICT', reason: 'EDIT_WINDOW_CLOSED' });
    expect((await instructorView(5)).rating.average).toBe(3);
  });
});

describe('moderation', () => {
  it('a reported review waits for an admin; hidden, it leaves the list and the rating at once; restored, it comes back', async () => {
    const max = await student('Max Power');
    const bookingId = await lesson(max.sub, 6);
    const { createReview: review } = dataOf<{ createReview: ReviewView }>(await create(max.token, { bookingId, rating: 1, text: 'Rude words' }));
    const reader = await student('Rita Reader');
    const admin = await stack.token({ sub: 'review-admin', roles: ['admin'] });
    expect(errorOf(await stack.graphql(REPORT, { token: reader.token, variables: { id: review.id, reason: ' ' } }))).toMatchObject({ reason: 'INVALID_REASON' });
    expect(errorOf(await stack.graphql(REPORT, { variables: { id: review.id, reason: 'Abusive' } }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    dataOf(await stack.graphql(REPORT, { token: reader.token, variables: { id: review.id, reason: 'Abusive' } }));
    dataOf(await stack.graphql(REPORT, { token: reader.token, variables: { id: review.id, reason: 'Abusive language' } }));
    expect(errorOf(await stack.graphql(AWAITING, { token: reader.token }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    const waiting = dataOf<{ reviewsAwaitingModeration: { edges: { node: { review: { id: string }; reportCount: number; reasons: string[] } }[] } }>(
      await stack.graphql(AWAITING, { token: admin }),
    ).reviewsAwaitingModeration.edges.map((e) => e.node);
    expect(waiting).toContainEqual({ review: { id: review.id }, reportCount: 1, reasons: ['Abusive language'] });

    expect(errorOf(await stack.graphql(HIDE, { token: reader.token, variables: { id: review.id, reason: 'no' } }))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(dataOf<{ hideReview: { visible: boolean } }>(await stack.graphql(HIDE, { token: admin, variables: { id: review.id, reason: 'Abusive language' } })).hideReview.visible).toBe(false);
    const hidden = await instructorView(6);
    expect(hidden.rating).toMatchObject({ count: 0, average: null, bayesianAverage: null, byService: [] });
    expect(hidden.reviews.edges).toEqual([]);
    expect(errorOf(await stack.graphql(`query($id: ID!) { review(id: $id) { id } }`, { token: reader.token, variables: { id: review.id } }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await stack.graphql(HIDE, { token: admin, variables: { id: review.id, reason: 'again' } }))).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_HIDDEN' });
    const after = dataOf<{ reviewsAwaitingModeration: { edges: { node: { review: { id: string } } }[] } }>(await stack.graphql(AWAITING, { token: admin })).reviewsAwaitingModeration.edges;
    expect(after.map((e) => e.node.review.id)).not.toContain(review.id);

    expect(dataOf<{ restoreReview: { visible: boolean } }>(await stack.graphql(RESTORE, { token: admin, variables: { id: review.id, reason: 'Reviewed again' } })).restoreReview.visible).toBe(true);
    expect((await instructorView(6)).rating).toMatchObject({ count: 1, average: 1 });
    expect(await facts(review.id)).toEqual([
      ['review.published', 1],
      ['review.hidden', 2],
      ['review.restored', 3],
    ]);
  });
});

describe('ratings', () => {
  it('the Bayesian average ranks fifty 4.9s above one 5, and a recompute from the reviews table equals the kept aggregates', async () => {
    const ratings: number[] = Array.from({ length: 50 }, (_, n) => (n < 45 ? 5 : 4));
    await Promise.all(
      ratings.map(async (rating) => {
        const s = await student('Many Students');
        const bookingId = await lesson(s.sub, 7);
        dataOf(await create(s.token, { bookingId, rating }));
      }),
    );
    const one = await student('Only One');
    dataOf(await create(one.token, { bookingId: await lesson(one.sub, 8), rating: 5 }));
    const [many, single] = [await instructorView(7), await instructorView(8)];
    expect(many.rating).toMatchObject({ count: 50, average: 4.9 });
    expect(single.rating).toMatchObject({ count: 1, average: 5 });
    expect(many.rating.bayesianAverage!).toBeGreaterThan(single.rating.bayesianAverage!);
    expect(many.reviews.pageInfo.hasNextPage).toBe(true);

    expect(await reviewsModule.recomputeRatings()).toMatchObject({ drifted: 0 });
    // Drift put in by hand is found and repaired.
    await sqlAs(stack, 'reviews', `update rating_aggregate set review_count = review_count + 1, stars_5 = stars_5 + 1, rating_sum = rating_sum + 5 where instructor_id = $1`, [instructorIds[8]]);
    expect((await reviewsModule.recomputeRatings()).drifted).toBeGreaterThan(0);
    expect((await instructorView(8)).rating).toMatchObject({ count: 1, average: 5 });
  });

  it('a batch of 50 instructors’ ratings and first reviews is one statement each, whatever the batch size', async () => {
    const statements = async (ids: string[], selection: string) => {
      const db = stack.deps.reviews!.db;
      const query = jest.spyOn(db, 'query');
      try {
        const body = JSON.stringify({
          query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Instructor { ${selection} } } }`,
          variables: { r: ids.map((id) => ({ __typename: 'Instructor', id })) },
        });
        const caller = signCaller({ userId: null, roles: [], requestId: randomUUID() }, callerKeyFor(stack.signingSecret, 'reviews'), { method: 'POST', path: '/graphql', body });
        const response = await fetch(stack.subgraphUrls.reviews!, { method: 'POST', headers: { 'content-type': 'application/json', ...caller }, body });
        const answer = (await response.json()) as { data?: { _entities: unknown[] }; errors?: unknown[] };
        expect(answer.errors).toBeUndefined();
        expect(answer.data!._entities).toHaveLength(ids.length);
        return query.mock.calls.length;
      } finally {
        query.mockRestore();
      }
    };
    const rating = `rating { ${RATING} byService { rating { count } } }`;
    expect(await statements(instructorIds, rating)).toBe(1);
    expect(await statements(instructorIds.slice(0, 2), rating)).toBe(1);
    expect(await statements(instructorIds, `${rating} reviews(first: 3) { edges { node { id } } }`)).toBe(2);
  });

  it('pages through an instructor’s reviews newest first, each once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: InstructorView['reviews'] = dataOf<{ instructor: { reviews: InstructorView['reviews'] } }>(
        await stack.graphql(`query($id: ID!, $after: String) { instructor(id: $id) { reviews(first: 7, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`, {
          variables: { id: instructorIds[7], after },
        }),
      ).instructor.reviews;
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);
    expect(errorOf(await stack.graphql(`query($id: ID!) { instructor(id: $id) { reviews(first: 51) { edges { cursor } } } }`, { variables: { id: instructorIds[7] } }))).toMatchObject({
      reason: 'INVALID_PAGE_SIZE',
    });
    expect(errorOf(await stack.graphql(`query($id: ID!) { instructor(id: $id) { reviews(after: "nope") { edges { cursor } } } }`, { variables: { id: instructorIds[7] } }))).toMatchObject({
      reason: 'INVALID_CURSOR',
    });
  });
});
