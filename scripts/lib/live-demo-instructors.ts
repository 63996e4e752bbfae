import type { Database } from '@instainstru/platform';
import type { SeedReviewedInstructor } from '../../services/reviews/src/module';

/**
 * The live demo instructors (those the instructor seed made) with the services they offer, read
 * from the instructor service's own tables with its own role, for another service's seed: each
 * service with its catalog category's slug (from `categoryOf`) and whether it is taught to kids.
 */
export async function liveDemoInstructors(instructorDb: Database, categoryOf: ReadonlyMap<string, string>): Promise<SeedReviewedInstructor[]> {
  const rows = await instructorDb.query<{ id: string; user_id: string; services: { serviceId: string; forKids: boolean }[] }>(
    `select p.id, p.user_id,
            json_agg(json_build_object('serviceId', o.service_id, 'forKids', 'kids' = any(o.age_groups)) order by o.created_at, o.service_id) as services
       from instructor_profile p join offered_service o on o.instructor_id = p.id
      where p.is_live and p.user_id like 'seed-instructor-%'
      group by p.id
      order by p.user_id`,
  );
  return rows.map((row) => ({
    id: row.id,
    userId: row.user_id,
    services: row.services.map((s) => ({ serviceId: s.serviceId, forKids: s.forKids, categorySlug: categoryOf.get(s.serviceId) ?? null })),
  }));
}
