import { sqlExpression, storeLatestRevision, type RevisionedTable, type Sql } from '@instainstru/platform';
import type { CatalogService } from '../domain/catalog.types';
import type { InstructorOfferingsRepository, InstructorOfferingsUnitOfWork } from '../domain/instructor-offerings.ports';
import { KIDS } from '../domain/instructor-offerings.service';
import type { InstructorPageKey, InstructorSnapshot } from '../domain/instructor-offerings.types';
import { toService, type ServiceRow } from './catalog.repository';

/** The catalog's listing of instructors, kept from the instructor events (one row per instructor, revision-guarded). */
const INSTRUCTOR_LISTING: RevisionedTable = { name: 'instructor_listing', idColumn: 'instructor_id', revisionColumn: 'revision', updatedAtColumn: 'updated_at' };

/** The rounded point the events carry, as a geography (null without one). */
const locationOf = (s: InstructorSnapshot) =>
  sqlExpression(
    `case when $1::float8 is null then null else st_setsrid(st_makepoint($2::float8, $1::float8), 4326)::geography end`,
    s.location?.latitude ?? null,
    s.location?.longitude ?? null,
  );

/** Writes the read model inside the consumer's transaction (`tx` is the inbox row's transaction). */
export class PostgresInstructorOfferingsUnitOfWork implements InstructorOfferingsUnitOfWork {
  constructor(private readonly tx: Sql) {}

  async applyIfNewer(s: InstructorSnapshot): Promise<boolean> {
    // The row lock taken by the upsert serialises concurrent events of one instructor.
    const stored = await storeLatestRevision(this.tx, INSTRUCTOR_LISTING, {
      id: s.instructorId,
      revision: s.revision,
      columns: {
        display_name: s.displayName,
        is_live: s.isLive,
        location: locationOf(s),
        bio: s.bio,
        years_of_experience: s.yearsOfExperience,
        has_photo: s.hasPhoto,
        city: s.area?.city ?? null,
        state: s.area?.state ?? null,
        postal_code: s.area?.postalCode ?? null,
      },
    });
    if (!stored) return false;
    await this.tx.execute(`delete from offered_service where instructor_id = $1`, [s.instructorId]);
    for (const o of s.offeredServices) {
      await this.tx.execute(
        `insert into offered_service (offered_service_id, instructor_id, service_id, age_groups, rate_minor, currency, lesson_modes,
           durations_minutes, levels, travel_radius_miles)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          o.offeredServiceId, s.instructorId, o.serviceId, o.ageGroups, o.hourlyRate.amountMinor, o.hourlyRate.currency, o.lessonModes,
          o.durationsMinutes, o.levels, o.travelRadiusMiles,
        ],
      );
    }
    return true;
  }
}

export class PostgresInstructorOfferingsRepository implements InstructorOfferingsRepository {
  constructor(private readonly sql: Sql) {}

  async kidsAvailableServices(): Promise<CatalogService[]> {
    const rows = await this.sql.query<ServiceRow>(
      `select s.id, s.slug, s.name, s.category_id, s.synonyms
         from service s
        where exists (select 1 from offered_service o join instructor_listing l using (instructor_id)
                       where o.service_id = s.id and l.is_live and o.age_groups @> array[$1]::text[])
        order by s.name, s.id`,
      [KIDS],
    );
    return rows.map(toService);
  }

  async liveInstructorsForService(serviceId: string, kidsOnly: boolean, after: InstructorPageKey | null, limit: number): Promise<InstructorPageKey[]> {
    const rows = await this.sql.query<{ instructor_id: string; display_name: string }>(
      `select l.instructor_id, l.display_name
         from instructor_listing l
        where l.is_live
          and exists (select 1 from offered_service o
                       where o.instructor_id = l.instructor_id and o.service_id = $1
                         and ($2::boolean is false or o.age_groups @> array[$3]::text[]))
          and ($4::text is null or (l.display_name, l.instructor_id) > ($4::text, $5::uuid))
        order by l.display_name, l.instructor_id
        limit $6`,
      [serviceId, kidsOnly, KIDS, after?.displayName ?? null, after?.instructorId ?? null, limit],
    );
    return rows.map((r) => ({ instructorId: r.instructor_id, displayName: r.display_name }));
  }
}
