/** Seeds demo data through each service's own code and role (idempotent). */
import { EventSchemaRegistry } from '@instainstru/events';
import { Database, loadServiceConfig, Outbox } from '@instainstru/platform';
import { listCatalogServices, seedCatalog } from '../services/catalog/src/module';
import { seedInstructorsWith, type SeedCatalogService } from '../services/instructor/src/module';

/** The catalog's services, read with the catalog's own code and role, for the services' seeds to refer to. */
async function seedCatalogAndListServices(): Promise<SeedCatalogService[]> {
  const config = loadServiceConfig('catalog');
  const db = await new Database({ url: config.database.url, schema: 'catalog', poolMax: 1 }).connect();
  try {
    const { categories, services } = await seedCatalog(db);
    console.log(`catalog: ${categories} categories, ${services} services`);
    return await listCatalogServices(db);
  } finally {
    await db.close();
  }
}

async function seedInstructorService(services: SeedCatalogService[]): Promise<void> {
  const config = loadServiceConfig('instructor');
  const db = await new Database({ url: config.database.url, schema: 'instructor', poolMax: 1 }).connect();
  try {
    const outbox = new Outbox(new EventSchemaRegistry(), config.kafka.topicPrefix);
    const count = Number(process.env.SEED_INSTRUCTORS ?? 300);
    if (!Number.isInteger(count) || count < 0) throw new Error('SEED_INSTRUCTORS must be a whole number');
    const { created, existing, live, kidsCapable } = await seedInstructorsWith({ db, outbox }, services, { count });
    console.log(`instructor: ${created} created (${live} live, ${kidsCapable} teaching kids), ${existing} already there`);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const services = await seedCatalogAndListServices();
  await seedInstructorService(services);
}

main().catch((error: unknown) => {
  console.error('seed failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
