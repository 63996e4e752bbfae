import { storeLatestRevision, type RevisionedTable, type Sql } from '@instainstru/platform';
import type { InstructorOffering } from '../domain/booking.types';
import type { InstructorOfferingsUnitOfWork } from '../domain/booking.ports';

/** Booking's view of instructors, kept from the instructor events (one row per instructor, revision-guarded). */
const INSTRUCTOR_OFFERING: RevisionedTable = { name: 'instructor_offering', idColumn: 'instructor_id', revisionColumn: 'revision', updatedAtColumn: 'updated_at' };

/** Writes the read model inside the consumer's transaction (`tx` also records the inbox row). */
export class PostgresInstructorOfferingsUnitOfWork implements InstructorOfferingsUnitOfWork {
  constructor(private readonly tx: Sql) {}

  applyIfNewer(o: InstructorOffering): Promise<boolean> {
    return storeLatestRevision(this.tx, INSTRUCTOR_OFFERING, {
      id: o.instructorId,
      revision: o.revision,
      columns: { user_id: o.userId, is_live: o.isLive, timezone: o.timezone, offered_services: JSON.stringify(o.offeredServices) },
    });
  }
}
