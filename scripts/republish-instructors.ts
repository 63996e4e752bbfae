/**
 * Publishes every instructor's current state again (same revisions), for a service whose read
 * model missed instructor events — e.g. one added after the instructors were created.
 *   npm run republish:instructors
 */
import { EventSchemaRegistry } from '@instainstru/events';
import { CommittedEventsSignal, Database, loadServiceConfig, Outbox } from '@instainstru/platform';
import { republishInstructorState } from '../services/instructor/src/module';

async function main(): Promise<void> {
  const config = loadServiceConfig('instructor');
  const db = await new Database({ url: config.database.url, schema: 'instructor', poolMax: 1 }).connect();
  try {
    const published = await republishInstructorState(db, new Outbox(new EventSchemaRegistry(), config.kafka.topicPrefix, new CommittedEventsSignal(db)));
    console.log(`instructor: state of ${published} instructors queued for publishing (the instructor worker's outbox relay sends it)`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('republish failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
