import type { Database } from '@instainstru/platform';
import type { ReviewRepository } from '../domain/review.ports';
import type { Review } from '../domain/review.types';

interface ReviewRow {
  id: string;
  booking_id: string;
  instructor_id: string;
  rating: number;
  text: string | null;
  created_at: Date;
}

export class PostgresReviewRepository implements ReviewRepository {
  constructor(private readonly db: Database) {}

  async findByIds(ids: readonly string[]): Promise<Review[]> {
    const rows = await this.db.query<ReviewRow>(
      `select id, booking_id, instructor_id, rating, text, created_at from review where id = any($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({ id: r.id, bookingId: r.booking_id, instructorId: r.instructor_id, rating: r.rating, text: r.text, createdAt: r.created_at.toISOString() }));
  }
}
