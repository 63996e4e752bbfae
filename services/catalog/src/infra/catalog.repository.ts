import type { Database } from '@instainstru/platform';
import type { CatalogRepository } from '../domain/catalog.ports';
import type { CatalogService, Category } from '../domain/catalog.types';

interface CategoryRow {
  id: string;
  slug: string;
  name: string;
  subtitle: string | null;
  icon_name: string;
  display_order: number;
  is_virtual: boolean;
}

/** A service row as the catalog's queries select it (SERVICE_COLUMNS). */
export interface ServiceRow {
  id: string;
  slug: string;
  name: string;
  category_id: string;
  synonyms: string[];
}

const toCategory = (r: CategoryRow): Category => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  subtitle: r.subtitle,
  iconName: r.icon_name,
  displayOrder: r.display_order,
  isVirtual: r.is_virtual,
});

export const toService = (r: ServiceRow): CatalogService => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  categoryId: r.category_id,
  synonyms: r.synonyms,
});

const CATEGORY_COLUMNS = 'id, slug, name, subtitle, icon_name, display_order, is_virtual';
const SERVICE_COLUMNS = 'id, slug, name, category_id, synonyms';

export class PostgresCatalogRepository implements CatalogRepository {
  constructor(private readonly db: Database) {}

  async listCategories(): Promise<Category[]> {
    const rows = await this.db.query<CategoryRow>(`select ${CATEGORY_COLUMNS} from category order by display_order, name`);
    return rows.map(toCategory);
  }

  async findCategoriesByIds(ids: readonly string[]): Promise<Category[]> {
    const rows = await this.db.query<CategoryRow>(`select ${CATEGORY_COLUMNS} from category where id = any($1::uuid[])`, [ids]);
    return rows.map(toCategory);
  }

  async findCategoryBySlug(slug: string): Promise<Category | null> {
    const [row] = await this.db.query<CategoryRow>(`select ${CATEGORY_COLUMNS} from category where slug = $1`, [slug]);
    return row ? toCategory(row) : null;
  }

  async findServicesByIds(ids: readonly string[]): Promise<CatalogService[]> {
    const rows = await this.db.query<ServiceRow>(`select ${SERVICE_COLUMNS} from service where id = any($1::uuid[])`, [ids]);
    return rows.map(toService);
  }

  async listServicesOfCategories(categoryIds: readonly string[]): Promise<CatalogService[]> {
    const rows = await this.db.query<ServiceRow>(
      `select ${SERVICE_COLUMNS} from service where category_id = any($1::uuid[]) order by display_order, name`,
      [categoryIds],
    );
    return rows.map(toService);
  }
}
