import type { Sql } from '@instainstru/platform';
import type { InstructorOffering } from '../domain/booking.types';
import type { InstructorOfferingsWriter } from '../domain/instructor-offerings';

/** Writes the read model inside the consumer's transaction (`tx` also records the inbox row). */
export class PostgresInstructorOfferingsWriter implements InstructorOfferingsWriter {
  constructor(private readonly tx: Sql) {}

  async applyIfNewer(o: InstructorOffering): Promise<boolean> {
    const stored = await this.tx.execute(
      `insert into instructor_offering (instructor_id, user_id, is_live, timezone, offered_services, revision)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (instructor_id) do update set user_id = excluded.user_id, is_live = excluded.is_live, timezone = excluded.timezone,
         offered_services = excluded.offered_services, revision = excluded.revision, updated_at = now()
       where instructor_offering.revision <= excluded.revision`,
      [o.instructorId, o.userId, o.isLive, o.timezone, JSON.stringify(o.offeredServices), o.revision],
    );
    return stored > 0;
  }
}
