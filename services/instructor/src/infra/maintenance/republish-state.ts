import type { Database, Outbox } from '@instainstru/platform';
import { instructorEvents } from '../../domain/instructor.events';
import { PostgresInstructorRepository } from '../instructor.repository';

/**
 * Publishes every instructor's current state again, as `instructor.profile-updated` with nothing
 * changed and the revision it already has. Consumers that hold that revision ignore it; a
 * consumer that never saw the instructor (a service added later, or events it could not read)
 * builds its read model from it. Each instructor is read under its row lock, so the event carries
 * exactly the state of its revision.
 */
export async function republishInstructorState(db: Database, outbox: Outbox, batchSize = 200): Promise<number> {
  const repository = new PostgresInstructorRepository(db, outbox);
  let published = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const ids = (await db.query<{ id: string }>(`select id from instructor_profile where id > $1 order by id limit $2`, [after, batchSize])).map((r) => r.id);
    if (ids.length === 0) return published;
    await repository.transaction(async (uow) => {
      for (const id of ids) {
        const profile = await uow.lockProfile(id);
        if (!profile) continue;
        await uow.publish(instructorEvents.profileUpdated(profile, await uow.offeredServicesOf(id), []));
        published += 1;
      }
    });
    after = ids[ids.length - 1]!;
  }
}
