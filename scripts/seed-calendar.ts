/**
 * Demo availability for the seeded instructors, published through the availability service's
 * module with its own role. Runs once the services are up (npm start does it): the calendar learns the
 * instructors from the instructor events, so it first waits until it knows every live one.
 *   SEED_CALENDAR_WEEKS=4     weeks published per instructor, from the current one
 */
import { createAvailabilityModule } from '../services/availability/src/module';
import { createInstructorModule } from '../services/instructor/src/module';
import { withServiceDeps } from './lib/service-deps';

const WAIT_MS = Number(process.env.SEED_CALENDAR_WAIT_MS ?? 90_000);

async function main(): Promise<void> {
  const weeks = Number(process.env.SEED_CALENDAR_WEEKS ?? 4);
  if (!Number.isInteger(weeks) || weeks < 0 || weeks > 12) throw new Error('SEED_CALENDAR_WEEKS must be 0 to 12');
  await withServiceDeps('instructor', (instructorDeps) =>
    withServiceDeps('availability', async (availabilityDeps) => {
      const instructor = createInstructorModule(instructorDeps);
      const availability = createAvailabilityModule(availabilityDeps);
      const [{ live }] = (await instructorDeps.db.query<{ live: number }>(`select count(*)::int as live from instructor_profile where is_live`)) as [{ live: number }];
      const knownLive = async () => (await availabilityDeps.db.query<{ known: number }>(`select count(*)::int as known from instructor_calendar where is_live`))[0]!.known;
      const deadline = Date.now() + WAIT_MS;
      // Events the calendar missed (e.g. published before it existed) never come again: if it is still
      // behind after a first wait, publish every instructor's state again (consumers that have it apply the same state, harmlessly).
      let republishAt: number | null = Date.now() + Math.min(15_000, WAIT_MS / 2);
      let known = await knownLive();
      while (known < live && Date.now() < deadline) {
        if (republishAt !== null && Date.now() >= republishAt) {
          const published = await instructor.republishState();
          console.log(`calendar: knows ${known} of ${live} live instructors; published the state of ${published} instructors again`);
          republishAt = null;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
        known = await knownLive();
      }
      if (known < live) console.warn(`calendar: knows ${known} of ${live} live instructors after ${WAIT_MS / 1000} s (is the availability worker running?); seeding those`);
      const result = await availability.seed({ weeks });
      console.log(`availability: ${result.weeksPublished} weeks published for ${result.instructors} live instructors, ${result.weeksKept} already there`);
    }),
  );
}

main().catch((error: unknown) => {
  console.error('calendar seed failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
