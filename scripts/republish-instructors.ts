/**
 * Publishes every instructor's current state again (same revisions), for a service whose read
 * model missed instructor events — e.g. one added after the instructors were created:
 *   - the public state (`instructor.profile-updated` on `<prefix>instructor.events`: catalog,
 *     availability, booking's offerings);
 *   - the Connect state on the private channel (`instructor.payout-account-updated` on
 *     `<prefix>instructor.private.payout-accounts`: booking's payout accounts only).
 *
 *   npm run republish:instructors                        both
 *   npm run republish:instructors -- --only public       the public state only
 *   npm run republish:instructors -- --only payout-accounts   the Connect state only
 */
import { createInstructorModule } from '../services/instructor/src/module';
import { withServiceDeps } from './lib/service-deps';

const CHANNELS = ['public', 'payout-accounts'] as const;
type Channel = (typeof CHANNELS)[number];

function channels(args: string[]): Channel[] {
  const at = args.indexOf('--only');
  if (at === -1) return [...CHANNELS];
  const only = args[at + 1];
  if (!CHANNELS.includes(only as Channel)) throw new Error(`--only takes one of ${CHANNELS.join(', ')}`);
  return [only as Channel];
}

async function main(): Promise<void> {
  const wanted = channels(process.argv.slice(2));
  await withServiceDeps('instructor', async (deps) => {
    const instructor = createInstructorModule(deps);
    if (wanted.includes('public')) {
      const published = await instructor.republishState();
      console.log(`instructor: state of ${published} instructors queued for publishing (the instructor worker's outbox relay sends it)`);
    }
    if (wanted.includes('payout-accounts')) {
      const published = await instructor.republishPayoutAccounts();
      console.log(`instructor: payout accounts of ${published} instructors queued for publishing on the private channel (booking only)`);
    }
  });
}

main().catch((error: unknown) => {
  console.error('republish failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
