/**
 * Applies pending migrations, each service as its own database role in its own schema.
 *   npm run migrate            every service
 *   npm run migrate -- catalog only the catalog
 */
import { Database, loadServiceConfig, SERVICE_NAMES, type ServiceName } from '@instainstru/platform';
import { serviceMigrations } from './services';

async function main(): Promise<void> {
  const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = requested.filter((name) => !SERVICE_NAMES.includes(name as ServiceName));
  if (unknown.length) throw new Error(`Unknown service(s): ${unknown.join(', ')}`);
  const services = requested.length ? (requested as ServiceName[]) : [...SERVICE_NAMES];
  for (const service of services) {
    const config = loadServiceConfig(service);
    const db = await new Database({ url: config.database.url, schema: service, migrations: serviceMigrations[service], poolMax: 1 }).connect();
    try {
      const applied = await db.migrate();
      console.log(`${service}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`);
    } finally {
      await db.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error('migration failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
