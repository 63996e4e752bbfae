import type { Database } from '@instainstru/platform';
import type { InstructorProfile, InstructorRepository } from '../domain/instructor.types';

interface ProfileRow {
  id: string;
  user_id: string;
  display_name: string;
  bio: string | null;
  timezone: string;
  is_live: boolean;
}

export class PostgresInstructorRepository implements InstructorRepository {
  constructor(private readonly db: Database) {}

  async findByIds(ids: readonly string[]): Promise<InstructorProfile[]> {
    const rows = await this.db.query<ProfileRow>(
      `select id, user_id, display_name, bio, timezone, is_live from instructor_profile where id = any($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({ id: r.id, userId: r.user_id, displayName: r.display_name, bio: r.bio, timezone: r.timezone, isLive: r.is_live }));
  }
}
