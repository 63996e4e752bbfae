import { createHash } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { ReviewEventType } from '@instainstru/events';
import { seededRandom, type Database } from '@instainstru/platform';
import { reviewFact } from '../../domain/review.events';
import type { ReviewRepository } from '../../domain/review.ports';
import { countsOf, studentNameOf } from '../../domain/review.rules';
import type { Lesson } from '../../domain/review.types';
import { applyLesson } from '../review.repository';
import {
  CLOSERS,
  CRITICAL_RESPONSES,
  CRITICISM,
  GENERAL_PRAISE,
  GOOD_WITH_A_BUT,
  KIDS_PRAISE,
  MIXED_FEELINGS,
  PRAISE_BY_CATEGORY,
  STUDENT_FIRST_NAMES,
  STUDENT_LAST_NAMES,
  THANKS_RESPONSES,
} from './review-seed-data';

/** A service a demo instructor offers, as the seed script read it from the instructor service and the catalog. */
export interface SeedOfferedService {
  serviceId: string;
  /** The catalog category's slug (music, languages, …), so the texts fit the lesson; generic texts without it. */
  categorySlug?: string | null;
  /** Whether the instructor teaches it to kids: some of its reviews are then a parent's. */
  forKids?: boolean;
}

/** A live demo instructor (reviews never reads the instructor service: the seed script hands them over). */
export interface SeedReviewedInstructor {
  id: string;
  userId: string;
  services: SeedOfferedService[];
}

export interface SeedReviewsOptions {
  /** Seed of the random generator: the same seed and instructors give the same lessons and reviews. */
  seed?: number;
  /** The moment lessons are placed before (now by default). */
  now?: Date;
  log?: (message: string) => void;
}

export interface SeedReviewsResult {
  /** Instructors with at least one completed lesson in the plan. */
  instructors: number;
  /** Completed lessons recorded by this run (those already recorded are left alone). */
  lessons: number;
  /** Reviews written by this run, with how many have a text and a response. */
  reviews: number;
  withText: number;
  responses: number;
  /** Reviews of the plan that were there already (nothing was written for them). */
  existing: number;
}

interface PlannedReview {
  id: string;
  studentName: string;
  rating: number;
  text: string | null;
  createdAt: Date;
  response: { text: string; respondedAt: Date } | null;
}

interface PlannedLesson {
  lesson: Lesson;
  review: PlannedReview | null;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** How far back the oldest demo lesson was completed. */
const OLDEST_DAYS = 120;
/** Demo students taking the lessons (some take several, as regulars do). */
const STUDENTS = 480;
/** Instructors whose lessons and reviews are written in one pass (one read, one transaction for lessons, one for reviews). */
const BATCH = 25;

/** Namespaces of the demo ids (name-based UUIDs), so every run derives the same lesson and review ids. */
const LESSON_NAMESPACE = 'b1f4c1d2-5e0a-4c59-9f6e-2d7a1c3e8b40';
const REVIEW_NAMESPACE = '6a0e2f57-3c1b-4d8e-a5f2-9b4c7d1e0f63';

/** A deterministic generator seeded from text, so each instructor's plan depends on nothing else. */
function randomFrom(text: string): () => number {
  return seededRandom(createHash('sha256').update(text).digest().readUInt32LE(0));
}

/**
 * How an instructor's students rate them, in percent of 1 to 5 stars. Together (35 % excellent,
 * 47 % good, 18 % mixed) about 3 / 4 / 8 / 25 / 60, and averages that differ from one to the next.
 */
const TIERS = [
  { share: 0.35, stars: [1, 1, 2, 14, 82] },
  { share: 0.47, stars: [2, 4, 9, 30, 55] },
  { share: 0.18, stars: [9, 9, 17, 30, 35] },
] as const;

/** How instructors' histories go: none yet, one 5-star lesson (new on the platform), or a few to about forty lessons. */
const NO_LESSONS_SHARE = 0.08;
const ONE_LESSON_SHARE = 0.06;
const MOST_LESSONS = 40;

function pickWeighted(random: () => number, weights: readonly number[]): number {
  let x = random() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i += 1) {
    x -= weights[i]!;
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/** The demo students' names as reviews show them ("Maya T."), the same for every run with this seed. */
function demoStudents(seed: number): { userId: string; name: string }[] {
  const random = randomFrom(`students:${seed}`);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  return Array.from({ length: STUDENTS }, (_, i) => ({
    userId: `seed-student-${String(i + 1).padStart(3, '0')}`,
    name: studentNameOf(`${pick(STUDENT_FIRST_NAMES)} ${pick(STUDENT_LAST_NAMES)}`),
  }));
}

/** What a student wrote for this rating, or null (about half write something). */
function reviewText(random: () => number, rating: number, service: SeedOfferedService): string | null {
  const pick = (values: readonly string[]) => values[Math.floor(random() * values.length)]!;
  const writes = rating >= 4 ? 0.45 : 0.75;
  if (random() >= writes) return null;
  if (rating <= 2) return pick(CRITICISM);
  if (rating === 3) return pick(MIXED_FEELINGS);
  if (rating === 4 && random() < 0.3) return pick(GOOD_WITH_A_BUT);
  const byCategory = service.categorySlug ? PRAISE_BY_CATEGORY[service.categorySlug] : undefined;
  const praise = service.forKids && random() < 0.6 ? pick(KIDS_PRAISE) : byCategory && random() < 0.75 ? pick(byCategory) : pick(GENERAL_PRAISE);
  return random() < 0.35 ? `${praise} ${pick(CLOSERS)}` : praise;
}

/**
 * One instructor's completed past lessons and their reviews: deterministic for the seed and the
 * instructor's user id (ids from the instructor's id), placed before `now`. Reviews are written
 * within the review window after their lesson, responses a little after their review.
 */
function planFor(instructor: SeedReviewedInstructor, seed: number, now: Date, windowDays: number, students: { userId: string; name: string }[]): PlannedLesson[] {
  const random = randomFrom(`reviews:${seed}:${instructor.userId}`);
  const history = random();
  if (history < NO_LESSONS_SHARE || instructor.services.length === 0) return [];
  const newcomer = history < NO_LESSONS_SHARE + ONE_LESSON_SHARE;
  const count = newcomer ? 1 : 2 + Math.floor((MOST_LESSONS - 1) * random() ** 1.7);
  const stars = TIERS[pickWeighted(random, TIERS.map((t) => t.share))]!.stars;
  // Some instructors answer many of their reviews, most a few, some none.
  const responds = [0, 0.12, 0.3, 0.55][pickWeighted(random, [0.2, 0.3, 0.3, 0.2])]!;
  // The first service they offer is the one most of their lessons are of.
  const serviceWeights = instructor.services.map((_, i) => (i === 0 ? 2 : 1));
  const plan: PlannedLesson[] = [];
  for (let n = 0; n < count; n += 1) {
    const service = instructor.services[pickWeighted(random, serviceWeights)]!;
    const student = students[Math.floor(random() * students.length)]!;
    const durationMinutes = [30, 45, 60, 60, 60, 90][Math.floor(random() * 6)]!;
    // A lesson during the day (New York) 1 to OLDEST_DAYS days ago, completed at its end or a little later, and at least a day ago.
    const day = new Date(now.getTime() - (1 + Math.floor(random() * OLDEST_DAYS)) * DAY_MS);
    day.setUTCHours(13 + Math.floor(random() * 10), random() < 0.5 ? 0 : 30, 0, 0);
    const lateBy = random() < 0.3 ? Math.floor(random() * 60) * MINUTE_MS : 0;
    const shift = now.getTime() - (day.getTime() + durationMinutes * MINUTE_MS + lateBy) < DAY_MS ? DAY_MS : 0;
    const startsAt = new Date(day.getTime() - shift);
    const completedAt = new Date(startsAt.getTime() + durationMinutes * MINUTE_MS + lateBy);
    const bookingId = uuidv5(`${instructor.id}/${n}`, LESSON_NAMESPACE);
    const lesson: Lesson = {
      bookingId,
      studentUserId: student.userId,
      instructorId: instructor.id,
      instructorUserId: instructor.userId,
      serviceId: service.serviceId,
      status: 'COMPLETED',
      startsAt: startsAt.toISOString(),
      completedAt: completedAt.toISOString(),
    };
    const reviewed = newcomer || random() < 0.85;
    if (!reviewed) {
      plan.push({ lesson, review: null });
      continue;
    }
    const rating = newcomer ? 5 : 1 + pickWeighted(random, stars);
    // Most students review within a day or two; none after the window closed, none in the future.
    const latest = Math.min(completedAt.getTime() + windowDays * DAY_MS - HOUR_MS, now.getTime() - HOUR_MS);
    const createdAt = new Date(Math.round(completedAt.getTime() + 20 * MINUTE_MS + random() ** 3 * Math.max(0, latest - completedAt.getTime() - 20 * MINUTE_MS)));
    const text = reviewText(random, rating, service);
    let response: PlannedReview['response'] = null;
    if (random() < (rating <= 3 ? Math.min(1, responds * 2) : responds)) {
      const respondedAt = new Date(Math.min(createdAt.getTime() + HOUR_MS + random() ** 2 * 4 * DAY_MS, now.getTime() - MINUTE_MS));
      const answers = rating <= 3 ? CRITICAL_RESPONSES : THANKS_RESPONSES;
      if (respondedAt > createdAt) response = { text: answers[Math.floor(random() * answers.length)]!, respondedAt };
    }
    plan.push({ lesson, review: { id: uuidv5(bookingId, REVIEW_NAMESPACE), studentName: student.name, rating, text, createdAt, response } });
  }
  return plan.sort((a, b) => a.lesson.completedAt!.localeCompare(b.lesson.completedAt!));
}

/**
 * Demo completed lessons and their reviews for the live demo instructors, so search by rating
 * shows the Bayesian ordering: a realistic spread of ratings, texts and responses, a few
 * newcomers with one 5-star review, some instructors without any. Lessons are recorded as
 * booking's events record them; each review is written as `createReview` writes it (the review,
 * its instructor's aggregates, `review.published`; then the response and `review.responded`) in
 * one transaction per batch of instructors, so the ratings are exact and the catalog learns of
 * every review from the events. Ids derive from the instructor and the lesson's number: a review
 * already there makes the insert answer nothing and nothing else is written for it, so running
 * the seed again changes nothing.
 */
export async function seedReviews(
  deps: { db: Database; repository: ReviewRepository; windowDays: number },
  instructors: readonly SeedReviewedInstructor[],
  options: SeedReviewsOptions = {},
): Promise<SeedReviewsResult> {
  const seed = options.seed ?? 20241207;
  const now = options.now ?? new Date();
  const students = demoStudents(seed);
  const result: SeedReviewsResult = { instructors: 0, lessons: 0, reviews: 0, withText: 0, responses: 0, existing: 0 };
  const ordered = [...instructors].sort((a, b) => a.userId.localeCompare(b.userId));
  for (let start = 0; start < ordered.length; start += BATCH) {
    const plans = ordered.slice(start, start + BATCH).map((instructor) => planFor(instructor, seed, now, deps.windowDays, students));
    const planned = plans.flat();
    result.instructors += plans.filter((p) => p.length > 0).length;
    if (planned.length === 0) continue;

    // A lesson booking's events recorded already keeps its final status; only the others are recorded.
    const known = new Set(
      (await deps.db.query<{ booking_id: string }>(`select booking_id from lesson where booking_id = any($1::uuid[])`, [planned.map((p) => p.lesson.bookingId)])).map((r) => r.booking_id),
    );
    const missing = planned.filter((p) => !known.has(p.lesson.bookingId));
    if (missing.length) {
      await deps.db.transaction(async (tx) => {
        for (const { lesson } of missing) await applyLesson(tx, lesson);
      });
      result.lessons += missing.length;
    }

    await deps.repository.transaction(async (uow) => {
      for (const { lesson, review: plannedReview } of planned) {
        if (!plannedReview) continue;
        const review = await uow.insertReview({
          id: plannedReview.id,
          bookingId: lesson.bookingId,
          instructorId: lesson.instructorId,
          instructorUserId: lesson.instructorUserId,
          serviceId: lesson.serviceId,
          studentUserId: lesson.studentUserId,
          studentName: plannedReview.studentName,
          rating: plannedReview.rating,
          text: plannedReview.text,
          createdAt: plannedReview.createdAt.toISOString(),
        });
        if (!review) {
          result.existing += 1;
          continue;
        }
        await uow.addToRatings(review.instructorId, review.serviceId, countsOf(review));
        await uow.publish(reviewFact(ReviewEventType.Published, review, plannedReview.createdAt));
        result.reviews += 1;
        if (review.text) result.withText += 1;
        if (plannedReview.response) {
          const { text, respondedAt } = plannedReview.response;
          const responded = await uow.updateReview(review, { response: { text, respondedAt: respondedAt.toISOString() } }, respondedAt);
          await uow.publish(reviewFact(ReviewEventType.Responded, responded, respondedAt));
          result.responses += 1;
        }
      }
    });
    options.log?.(`reviews for instructors ${start + 1}–${Math.min(start + BATCH, ordered.length)} of ${ordered.length}`);
  }
  return result;
}
