/** Creates the database, the extensions, and one schema + one role per service (idempotent). */
import { adminUrlFromEnv, bootstrapDatabase } from '@instainstru/platform';

const database = process.env.PGDATABASE ?? 'instainstru';
bootstrapDatabase(adminUrlFromEnv(), database)
  .then(() => console.log(`database ${database} ready: one schema and one role per service`))
  .catch((error: unknown) => {
    console.error('database bootstrap failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
