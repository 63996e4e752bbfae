import type { Database } from '@instainstru/platform';
import type { AvailabilityRepository, AvailabilityWeek, TimeSlot } from '../domain/availability.types';

interface WeekRow {
  instructor_id: string;
  week_start: string;
  timezone: string;
  slots: TimeSlot[];
  version: string;
}

export class PostgresAvailabilityRepository implements AvailabilityRepository {
  constructor(private readonly db: Database) {}

  async findWeek(instructorId: string, weekStart: string): Promise<AvailabilityWeek | null> {
    const [row] = await this.db.query<WeekRow>(
      `select instructor_id, to_char(week_start, 'YYYY-MM-DD') as week_start, timezone, slots, version
         from availability_week where instructor_id = $1 and week_start = $2::date`,
      [instructorId, weekStart],
    );
    return row ? { instructorId: row.instructor_id, weekStart: row.week_start, timezone: row.timezone, slots: row.slots, version: row.version } : null;
  }
}
