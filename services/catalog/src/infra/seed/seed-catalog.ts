import type { Database } from '@instainstru/platform';
import { CATALOG_SEED, slugify } from './catalog-seed-data';

/** Upserts the categories and services by slug; running it again changes nothing. */
export async function seedCatalog(db: Database): Promise<{ categories: number; services: number }> {
  let services = 0;
  await db.transaction(async (tx) => {
    for (const category of CATALOG_SEED) {
      await tx.query(
        `insert into category (slug, name, subtitle, icon_name, display_order, is_virtual)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (slug) do update set name = excluded.name, subtitle = excluded.subtitle, icon_name = excluded.icon_name,
           display_order = excluded.display_order, is_virtual = excluded.is_virtual
         where (category.name, category.subtitle, category.icon_name, category.display_order, category.is_virtual)
           is distinct from (excluded.name, excluded.subtitle, excluded.icon_name, excluded.display_order, excluded.is_virtual)`,
        [category.slug, category.name, category.subtitle, category.iconName, category.displayOrder, category.isVirtual ?? false],
      );
      const [row] = await tx.query<{ id: string }>(`select id from category where slug = $1`, [category.slug]);
      for (const [order, entry] of category.services.entries()) {
        const [name, synonyms = ''] = entry.split('|') as [string, string?];
        await tx.query(
          `insert into service (slug, name, category_id, synonyms, display_order) values ($1, $2, $3, $4, $5)
           on conflict (slug) do update set name = excluded.name, category_id = excluded.category_id,
             synonyms = excluded.synonyms, display_order = excluded.display_order
           where (service.name, service.category_id, service.synonyms, service.display_order)
             is distinct from (excluded.name, excluded.category_id, excluded.synonyms, excluded.display_order)`,
          [slugify(name), name, row!.id, synonyms.split(',').map((s) => s.trim()).filter(Boolean), order + 1],
        );
        services += 1;
      }
    }
  });
  return { categories: CATALOG_SEED.length, services };
}
