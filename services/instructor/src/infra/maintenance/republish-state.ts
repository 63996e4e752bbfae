import type { Database, Outbox } from '@instainstru/platform';
import { instructorEvents, instructorPrivateEvents } from '../../domain/instructor.events';
import type { InstructorUnitOfWork } from '../../domain/instructor.ports';
import type { InstructorProfile } from '../../domain/instructor.types';
import { PostgresInstructorRepository } from '../instructor.repository';

/**
 * Publishes every instructor's current state again, as `instructor.profile-updated` with nothing
 * changed and the revision it already has. Consumers that hold that revision ignore it; a
 * consumer that never saw the instructor (a service added later, or events it could not read)
 * builds its read model from it. Each instructor is read under its row lock, so the event carries
 * exactly the state of its revision. Public events only (`instructor.events`); the Connect state
 * has republishPayoutAccounts.
 */
export function republishInstructorState(db: Database, outbox: Outbox, batchSize = 200): Promise<number> {
  return forEveryInstructor(db, outbox, batchSize, async (uow, profile) => {
    await uow.publish(instructorEvents.profileUpdated(profile, await uow.offeredServicesOf(profile.id), []));
  });
}

/**
 * Publishes every instructor's Connect state again on the private channel, as
 * `instructor.payout-account-updated` at the payout account's current revision (instructors without
 * an account too: no account, revision 0). Booking ignores the revisions it holds and fills in what
 * it missed. Nothing else is published: the public read models are left alone.
 */
export function republishPayoutAccounts(db: Database, outbox: Outbox, batchSize = 200): Promise<number> {
  return forEveryInstructor(db, outbox, batchSize, (uow, profile) => uow.publish(instructorPrivateEvents.payoutAccountUpdated(profile)));
}

/** Runs `publish` for every instructor in id order, `batchSize` per transaction, each under its row lock; answers how many. */
async function forEveryInstructor(
  db: Database,
  outbox: Outbox,
  batchSize: number,
  publish: (uow: InstructorUnitOfWork, profile: InstructorProfile) => Promise<void>,
): Promise<number> {
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
        await publish(uow, profile);
        published += 1;
      }
    });
    after = ids[ids.length - 1]!;
  }
}
