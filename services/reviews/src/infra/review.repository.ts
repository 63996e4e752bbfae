import type { NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { NewReview, ReviewChange, ReviewRepository, ReviewsUnitOfWork } from '../domain/review.ports';
import type { InstructorRatings, Lesson, LessonStatus, RatingCounts, ReportedReview, Review, ReviewPageKey } from '../domain/review.types';

/** The aggregates' key for "every service" (the instructor's overall rating). */
export const ALL_SERVICES = '00000000-0000-0000-0000-000000000000';

interface ReviewRow {
  id: string;
  booking_id: string;
  instructor_id: string;
  instructor_user_id: string;
  service_id: string;
  student_user_id: string;
  student_name: string;
  rating: number;
  text: string | null;
  visible: boolean;
  response_text: string | null;
  responded_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  edited_at: Date | null;
}

const COLUMNS = `id, booking_id, instructor_id, instructor_user_id, service_id, student_user_id, student_name, rating, text, visible,
  response_text, responded_at, version, created_at, updated_at, edited_at`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function reviewOf(row: ReviewRow): Review {
  return {
    id: row.id,
    bookingId: row.booking_id,
    instructorId: row.instructor_id,
    instructorUserId: row.instructor_user_id,
    serviceId: row.service_id,
    studentUserId: row.student_user_id,
    studentName: row.student_name,
    rating: row.rating,
    text: row.text,
    visible: row.visible,
    response: row.response_text !== null && row.responded_at ? { text: row.response_text, respondedAt: row.responded_at.toISOString() } : null,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    editedAt: iso(row.edited_at),
  };
}

interface LessonRow {
  booking_id: string;
  student_user_id: string;
  instructor_id: string;
  instructor_user_id: string;
  service_id: string;
  status: LessonStatus;
  starts_at: Date;
  completed_at: Date | null;
}

const lessonOf = (row: LessonRow): Lesson => ({
  bookingId: row.booking_id,
  studentUserId: row.student_user_id,
  instructorId: row.instructor_id,
  instructorUserId: row.instructor_user_id,
  serviceId: row.service_id,
  status: row.status,
  startsAt: row.starts_at.toISOString(),
  completedAt: iso(row.completed_at),
});

interface AggregateRow {
  instructor_id: string;
  service_id: string;
  review_count: number;
  rating_sum: number;
  stars_1: number;
  stars_2: number;
  stars_3: number;
  stars_4: number;
  stars_5: number;
  platform_count: number;
  platform_sum: number;
}

const countsOfRow = (row: AggregateRow): RatingCounts => ({
  count: row.review_count,
  sum: row.rating_sum,
  distribution: [row.stars_1, row.stars_2, row.stars_3, row.stars_4, row.stars_5],
});

/**
 * Booking's lessons as its events tell them: a later status wins over CONFIRMED, and a final one
 * (COMPLETED, CANCELLED, NO_SHOW) is never replaced, so redelivered and reordered events end in
 * the same row.
 */
export async function applyLesson(sql: Sql, lesson: Lesson): Promise<void> {
  await sql.execute(
    `insert into lesson (booking_id, student_user_id, instructor_id, instructor_user_id, service_id, status, starts_at, completed_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (booking_id) do update set status = excluded.status, completed_at = excluded.completed_at, updated_at = now()
       where lesson.status = 'CONFIRMED' and excluded.status <> 'CONFIRMED'`,
    [lesson.bookingId, lesson.studentUserId, lesson.instructorId, lesson.instructorUserId, lesson.serviceId, lesson.status, lesson.startsAt, lesson.completedAt],
  );
}

class PostgresReviewsUnitOfWork implements ReviewsUnitOfWork {
  constructor(
    private readonly tx: Sql,
    private readonly outbox: Outbox,
  ) {}

  async insertReview(review: NewReview): Promise<Review | null> {
    const [row] = await this.tx.query<ReviewRow>(
      `insert into review (id, booking_id, instructor_id, instructor_user_id, service_id, student_user_id, student_name, rating, text, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
       on conflict (booking_id) do nothing returning ${COLUMNS}`,
      [review.id, review.bookingId, review.instructorId, review.instructorUserId, review.serviceId, review.studentUserId, review.studentName, review.rating, review.text, review.createdAt],
    );
    return row ? reviewOf(row) : null;
  }

  async lockReview(id: string): Promise<Review | null> {
    const [row] = await this.tx.query<ReviewRow>(`select ${COLUMNS} from review where id = $1 for update`, [id]);
    return row ? reviewOf(row) : null;
  }

  async updateReview(review: Review, change: ReviewChange, at: Date): Promise<Review> {
    const [row] = await this.tx.query<ReviewRow>(
      `update review set
         rating = coalesce($2, rating),
         text = case when $3::boolean then $4 else text end,
         visible = coalesce($5, visible),
         response_text = coalesce($6, response_text),
         responded_at = coalesce($7, responded_at),
         edited_at = coalesce($8, edited_at),
         moderated_at = coalesce($9, moderated_at),
         version = version + 1,
         updated_at = $10
       where id = $1 returning ${COLUMNS}`,
      [
        review.id,
        change.rating ?? null,
        'text' in change,
        change.text ?? null,
        change.visible ?? null,
        change.response?.text ?? null,
        change.response?.respondedAt ?? null,
        change.editedAt ?? null,
        change.moderatedAt ?? null,
        at,
      ],
    );
    return reviewOf(row!);
  }

  async addToRatings(instructorId: string, serviceId: string, delta: RatingCounts): Promise<void> {
    const [s1, s2, s3, s4, s5] = delta.distribution;
    // Existing rows are updated in place; a first review of the instructor (or service) inserts its row.
    // (An insert's proposed row is checked before its conflict is found, so a decrease never goes through one.)
    await this.tx.execute(
      `with keys (service_id) as (values ($2::uuid), ($3::uuid)),
       updated as (
         update rating_aggregate a set
           review_count = a.review_count + $4, rating_sum = a.rating_sum + $5,
           stars_1 = a.stars_1 + $6, stars_2 = a.stars_2 + $7, stars_3 = a.stars_3 + $8, stars_4 = a.stars_4 + $9, stars_5 = a.stars_5 + $10
         from keys k where a.instructor_id = $1 and a.service_id = k.service_id
         returning a.service_id),
       inserted as (
         insert into rating_aggregate as a (instructor_id, service_id, review_count, rating_sum, stars_1, stars_2, stars_3, stars_4, stars_5)
         select $1, k.service_id, $4, $5, $6, $7, $8, $9, $10 from keys k where k.service_id not in (select service_id from updated)
         on conflict (instructor_id, service_id) do update set
           review_count = a.review_count + excluded.review_count, rating_sum = a.rating_sum + excluded.rating_sum,
           stars_1 = a.stars_1 + excluded.stars_1, stars_2 = a.stars_2 + excluded.stars_2, stars_3 = a.stars_3 + excluded.stars_3,
           stars_4 = a.stars_4 + excluded.stars_4, stars_5 = a.stars_5 + excluded.stars_5
         returning 1)
       update rating_totals set review_count = review_count + $4, rating_sum = rating_sum + $5
        where id and (select count(*) from updated) + (select count(*) from inserted) = 2`,
      [instructorId, ALL_SERVICES, serviceId, delta.count, delta.sum, s1, s2, s3, s4, s5],
    );
  }

  async recordModeration(reviewId: string, action: 'HIDE' | 'RESTORE', reason: string, adminUserId: string, at: Date): Promise<void> {
    await this.tx.execute(`insert into review_moderation (review_id, action, reason, admin_user_id, decided_at) values ($1, $2, $3, $4, $5)`, [
      reviewId,
      action,
      reason,
      adminUserId,
      at,
    ]);
  }

  async publish(event: NewEvent<object>): Promise<void> {
    await this.outbox.append(this.tx, event);
  }
}

/** The aggregates as the reviews table says they are now: overall (ALL_SERVICES) and per service. */
const RECOMPUTED = `
  select instructor_id, coalesce(service_id, '${ALL_SERVICES}'::uuid) as service_id, count(*)::int as review_count, coalesce(sum(rating), 0)::int as rating_sum,
         count(*) filter (where rating = 1)::int as stars_1, count(*) filter (where rating = 2)::int as stars_2, count(*) filter (where rating = 3)::int as stars_3,
         count(*) filter (where rating = 4)::int as stars_4, count(*) filter (where rating = 5)::int as stars_5
    from review where visible
   group by grouping sets ((instructor_id), (instructor_id, service_id))`;

export class PostgresReviewRepository implements ReviewRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async findByIds(ids: readonly string[]): Promise<Review[]> {
    const rows = await this.db.query<ReviewRow>(`select ${COLUMNS} from review where id = any($1::uuid[])`, [ids]);
    return rows.map(reviewOf);
  }

  async lesson(bookingId: string): Promise<Lesson | null> {
    const [row] = await this.db.query<LessonRow>(`select * from lesson where booking_id = $1`, [bookingId]);
    return row ? lessonOf(row) : null;
  }

  async reviewableLessons(studentUserId: string, completedSince: Date, limit: number): Promise<Lesson[]> {
    const rows = await this.db.query<LessonRow>(
      `select l.* from lesson l
        where l.student_user_id = $1 and l.status = 'COMPLETED' and l.completed_at >= $2
          and not exists (select 1 from review r where r.booking_id = l.booking_id)
        order by l.completed_at desc, l.booking_id limit $3`,
      [studentUserId, completedSince, limit],
    );
    return rows.map(lessonOf);
  }

  async reviewPages(instructorIds: readonly string[], serviceId: string | null, after: ReviewPageKey | null, limit: number): Promise<Map<string, Review[]>> {
    const rows = await this.db.query<ReviewRow>(
      `select r.* from unnest($1::uuid[]) as i (id)
         cross join lateral (
           select ${COLUMNS} from review
            where instructor_id = i.id and visible and ($2::uuid is null or service_id = $2)
              and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
            order by created_at desc, id desc limit $5) r`,
      [instructorIds, serviceId, after?.createdAt ?? null, after?.id ?? null, limit],
    );
    const pages = new Map<string, Review[]>(instructorIds.map((id) => [id, []]));
    for (const row of rows) pages.get(row.instructor_id)?.push(reviewOf(row));
    return pages;
  }

  async ratingsOf(instructorIds: readonly string[]): Promise<InstructorRatings[]> {
    const rows = await this.db.query<AggregateRow>(
      `select a.*, t.review_count as platform_count, t.rating_sum as platform_sum
         from rating_totals t left join rating_aggregate a on a.instructor_id = any($1::uuid[]) and a.review_count > 0
        where t.id`,
      [instructorIds],
    );
    const platform = { count: rows[0]?.platform_count ?? 0, sum: rows[0]?.platform_sum ?? 0 };
    const empty = (): RatingCounts => ({ count: 0, sum: 0, distribution: [0, 0, 0, 0, 0] });
    const byInstructor = new Map<string, InstructorRatings>(instructorIds.map((id) => [id, { instructorId: id, overall: empty(), byService: [], platform }]));
    for (const row of rows) {
      const ratings = row.instructor_id ? byInstructor.get(row.instructor_id) : undefined;
      if (!ratings) continue;
      if (row.service_id === ALL_SERVICES) ratings.overall = countsOfRow(row);
      else ratings.byService.push({ serviceId: row.service_id, counts: countsOfRow(row) });
    }
    for (const ratings of byInstructor.values()) ratings.byService.sort((a, b) => b.counts.count - a.counts.count || a.serviceId.localeCompare(b.serviceId));
    return [...byInstructor.values()];
  }

  async report(reviewId: string, reporterUserId: string, reason: string, at: Date): Promise<Date> {
    // A second report by the same person refreshes theirs; after a moderation decision it counts as a new one.
    const [row] = await this.db.query<{ reported_at: Date }>(
      `insert into review_report as p (review_id, reporter_user_id, reason, reported_at) values ($1, $2, $3, $4)
       on conflict (review_id, reporter_user_id) do update set reason = excluded.reason,
         reported_at = case when p.reported_at <= coalesce((select moderated_at from review where id = $1), '-infinity') then excluded.reported_at else p.reported_at end
       returning reported_at`,
      [reviewId, reporterUserId, reason, at],
    );
    return row!.reported_at;
  }

  async awaitingModeration(after: { firstReportedAt: string; id: string } | null, limit: number): Promise<ReportedReview[]> {
    const rows = await this.db.query<ReviewRow & { report_count: number; first_reported_at: Date; reasons: string[] }>(
      `select r.*, o.report_count, o.first_reported_at, o.reasons from (
          select p.review_id, count(*)::int as report_count, min(p.reported_at) as first_reported_at,
                 (array_agg(p.reason order by p.reported_at))[1:20] as reasons
            from review_report p join review v on v.id = p.review_id
           where p.reported_at > coalesce(v.moderated_at, '-infinity')
           group by p.review_id) o
         join review r on r.id = o.review_id
        where $1::timestamptz is null or (o.first_reported_at, o.review_id) > ($1::timestamptz, $2::uuid)
        order by o.first_reported_at, o.review_id limit $3`,
      [after?.firstReportedAt ?? null, after?.id ?? null, limit],
    );
    return rows.map((row) => ({ review: reviewOf(row), reportCount: row.report_count, firstReportedAt: row.first_reported_at.toISOString(), reasons: row.reasons }));
  }

  async recomputeRatings(): Promise<{ drifted: number; instructors: number }> {
    return this.db.transaction(async (tx) => {
      // Writers wait meanwhile: the rebuild reads and replaces every aggregate at one point in time.
      await tx.execute(`lock table rating_aggregate, rating_totals in exclusive mode`);
      const [{ drifted }] = (await tx.query<{ drifted: number }>(
        `with fresh as (${RECOMPUTED}),
              kept as (select * from rating_aggregate where review_count > 0)
         select count(*)::int as drifted from (
           (select * from fresh except select * from kept) union all (select * from kept except select * from fresh)) d`,
      )) as [{ drifted: number }];
      await tx.execute(`delete from rating_aggregate`);
      await tx.execute(
        `insert into rating_aggregate (instructor_id, service_id, review_count, rating_sum, stars_1, stars_2, stars_3, stars_4, stars_5) ${RECOMPUTED}`,
      );
      await tx.execute(
        `update rating_totals set (review_count, rating_sum) = (select count(*)::int, coalesce(sum(rating), 0)::int from review where visible) where id`,
      );
      const [{ instructors }] = (await tx.query<{ instructors: number }>(
        `select count(*)::int as instructors from rating_aggregate where service_id = '${ALL_SERVICES}'`,
      )) as [{ instructors: number }];
      return { drifted, instructors };
    });
  }

  transaction<T>(work: (unitOfWork: ReviewsUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresReviewsUnitOfWork(tx, this.outbox)));
  }
}
