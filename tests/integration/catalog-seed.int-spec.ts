import { closeServiceDeps, type Database, type ServiceDeps } from '@instainstru/platform';
import { createTestDatabase, testServiceDeps, type TestDatabase } from '@instainstru/test-harness';
import { type CatalogModule, createCatalogModule } from '../../services/catalog/src/module';

let testDb: TestDatabase;
let deps: ServiceDeps;
let db: Database;
let catalog: CatalogModule;

beforeAll(async () => {
  testDb = await createTestDatabase();
  deps = await testServiceDeps(testDb, 'catalog');
  db = deps.db;
  catalog = createCatalogModule(deps);
});

afterAll(async () => {
  if (deps) await closeServiceDeps(deps);
  await testDb?.drop();
});

const rowVersions = () => db.query<{ slug: string; xmin: string }>(`select slug, xmin::text from category union all select slug, xmin::text from service order by slug`);

describe('demo catalog seed', () => {
  it('creates the categories in display order with their services', async () => {
    expect(await catalog.seed()).toEqual({ categories: 7, services: 59 });
    const categories = await db.query<{ slug: string; n: string }>(
      `select c.slug, count(s.id) as n from category c left join service s on s.category_id = c.id group by c.slug, c.display_order order by c.display_order`,
    );
    expect(categories.map((c) => c.slug)).toEqual(['music', 'arts', 'languages', 'sports-fitness', 'dance', 'tutoring', 'kids']);
    expect(categories.find((c) => c.slug === 'kids')!.n).toBe('0');
  });

  it('changes nothing when run again', async () => {
    const before = await rowVersions();
    await catalog.seed();
    expect(await rowVersions()).toEqual(before);
  });
});
