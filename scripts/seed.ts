/** Seeds demo data through each service's module, with its own role (idempotent). */
import { createCatalogModule } from '../services/catalog/src/module';
import { createInstructorModule, type SeedCatalogService } from '../services/instructor/src/module';
import { createReviewsModule } from '../services/reviews/src/module';
import { liveDemoInstructors } from './lib/live-demo-instructors';
import { withServiceDeps } from './lib/service-deps';

/** The catalog's services, read with the catalog's own code and role, for the services' seeds to refer to. */
function seedCatalogAndListServices(): Promise<SeedCatalogService[]> {
  return withServiceDeps('catalog', async (deps) => {
    const catalog = createCatalogModule(deps);
    const { categories, services } = await catalog.seed();
    console.log(`catalog: ${categories} categories, ${services} services`);
    return catalog.listServices();
  });
}

function seedInstructorService(services: SeedCatalogService[]): Promise<void> {
  return withServiceDeps('instructor', async (deps) => {
    const count = Number(process.env.SEED_INSTRUCTORS ?? 300);
    if (!Number.isInteger(count) || count < 0) throw new Error('SEED_INSTRUCTORS must be a whole number');
    const { created, existing, live, kidsCapable } = await createInstructorModule(deps).seed(services, { count });
    console.log(`instructor: ${created} created (${live} live, ${kidsCapable} teaching kids), ${existing} already there`);
  });
}

/** Completed past lessons with reviews for the live demo instructors (read with the instructor service's own role). */
async function seedReviewsService(services: SeedCatalogService[]): Promise<void> {
  const categoryOf = new Map(services.map((s) => [s.id, s.categorySlug]));
  const instructors = await withServiceDeps('instructor', (deps) => liveDemoInstructors(deps.db, categoryOf));
  await withServiceDeps('reviews', async (deps) => {
    const { instructors: reviewed, lessons, reviews, withText, responses, existing } = await createReviewsModule(deps).seed(instructors);
    console.log(`reviews: ${reviews} written (${withText} with text, ${responses} with a response) over ${lessons} new completed lessons of ${reviewed} instructors, ${existing} already there`);
  });
}

async function main(): Promise<void> {
  const services = await seedCatalogAndListServices();
  await seedInstructorService(services);
  await seedReviewsService(services);
}

main().catch((error: unknown) => {
  console.error('seed failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
