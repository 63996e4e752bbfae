/** Seeds demo data through each service's own code and role (idempotent). */
import { Database, loadServiceConfig } from '@instainstru/platform';
import { seedCatalog } from '../services/catalog/src/infra/seed/seed-catalog';

async function main(): Promise<void> {
  const config = loadServiceConfig('catalog');
  const db = await new Database({ url: config.database.url, schema: 'catalog', poolMax: 1 }).connect();
  try {
    const { categories, services } = await seedCatalog(db);
    console.log(`catalog: ${categories} categories, ${services} services`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error('seed failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
