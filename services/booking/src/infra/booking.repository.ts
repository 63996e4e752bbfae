import type { Database } from '@instainstru/platform';
import type { Booking, BookingRepository, BookingStatus } from '../domain/booking.types';

interface BookingRow {
  id: string;
  status: BookingStatus;
  instructor_id: string;
  instructor_user_id: string;
  student_user_id: string;
  starts_at: Date;
  ends_at: Date;
}

export class PostgresBookingRepository implements BookingRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Booking | null> {
    const [row] = await this.db.query<BookingRow>(
      `select id, status, instructor_id, instructor_user_id, student_user_id, starts_at, ends_at from booking where id = $1`,
      [id],
    );
    return row
      ? {
          id: row.id,
          status: row.status,
          instructorId: row.instructor_id,
          instructorUserId: row.instructor_user_id,
          studentId: row.student_user_id,
          startsAt: row.starts_at.toISOString(),
          endsAt: row.ends_at.toISOString(),
        }
      : null;
  }
}
