/** Seeds demo data through each service's own code and role (idempotent). */
import { EventSchemaRegistry } from '@instainstru/events';
import { Database, loadServiceConfig, Outbox } from '@instainstru/platform';
import { PostgresCatalogRepository } from '../services/catalog/src/infra/catalog.repository';
import { seedCatalog } from '../services/catalog/src/infra/seed/seed-catalog';
import { seedInstructors, type SeedCatalogService } from '../services/instructor/src/infra/seed/seed-instructors';
import { S3DocumentStorage } from '../services/instructor/src/infra/storage/s3-document-storage';
import { loadInstructorConfig } from '../services/instructor/src/instructor.config';

/** The catalog's services, read with the catalog's own code and role, for the services' seeds to refer to. */
async function seedCatalogAndListServices(): Promise<SeedCatalogService[]> {
  const config = loadServiceConfig('catalog');
  const db = await new Database({ url: config.database.url, schema: 'catalog', poolMax: 1 }).connect();
  try {
    const { categories, services } = await seedCatalog(db);
    console.log(`catalog: ${categories} categories, ${services} services`);
    const repository = new PostgresCatalogRepository(db);
    const all = await repository.listCategories();
    const slugOf = new Map(all.map((c) => [c.id, c.slug]));
    return (await repository.listServicesOfCategories(all.map((c) => c.id))).map((s) => ({ id: s.id, name: s.name, categorySlug: slugOf.get(s.categoryId)! }));
  } finally {
    await db.close();
  }
}

async function seedInstructorService(services: SeedCatalogService[]): Promise<void> {
  const config = loadServiceConfig('instructor');
  const db = await new Database({ url: config.database.url, schema: 'instructor', poolMax: 1 }).connect();
  const storage = new S3DocumentStorage(loadInstructorConfig().s3);
  try {
    const outbox = new Outbox(new EventSchemaRegistry(), config.kafka.topicPrefix);
    const count = Number(process.env.SEED_INSTRUCTORS ?? 300);
    if (!Number.isInteger(count) || count < 0) throw new Error('SEED_INSTRUCTORS must be a whole number');
    const { created, existing, live, kidsCapable } = await seedInstructors({ db, outbox, storage }, services, { count });
    console.log(`instructor: ${created} created (${live} live, ${kidsCapable} teaching kids), ${existing} already there`);
  } finally {
    storage.close();
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
