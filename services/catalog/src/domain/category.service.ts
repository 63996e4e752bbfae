import DataLoader from 'dataloader';
import { isUuid } from '@instainstru/platform';
import { CatalogError, CatalogErrorCode } from './catalog.errors';
import type { CatalogRepository } from './catalog.ports';
import type { CatalogService, Category } from './catalog.types';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

/**
 * Category and service lookups for one request. Loaders batch entity references and nested
 * fields, so a list of N services costs one query, not N.
 */
export class CategoryQueries {
  private readonly categories: DataLoader<string, Category | null>;
  private readonly services: DataLoader<string, CatalogService | null>;
  private readonly servicesOfCategory: DataLoader<string, CatalogService[]>;

  constructor(private readonly repository: CatalogRepository) {
    this.categories = new DataLoader(async (ids) => byId(ids, await repository.findCategoriesByIds(ids)));
    this.services = new DataLoader(async (ids) => byId(ids, await repository.findServicesByIds(ids)));
    this.servicesOfCategory = new DataLoader(async (ids) => {
      const rows = await repository.listServicesOfCategories(ids);
      return ids.map((id) => rows.filter((s) => s.categoryId === id));
    });
  }

  listCategories(): Promise<Category[]> {
    return this.repository.listCategories();
  }

  async categoryBySlug(slug: string): Promise<Category> {
    if (!SLUG.test(slug) || slug.length > 64) {
      throw new CatalogError(CatalogErrorCode.InvalidSlug, `"${slug.slice(0, 64)}" is not a valid category slug`, { slug: slug.slice(0, 64) });
    }
    const category = await this.repository.findCategoryBySlug(slug);
    if (!category) throw new CatalogError(CatalogErrorCode.CategoryNotFound, `No category with slug "${slug}"`, { slug });
    return category;
  }

  async categoryById(id: string): Promise<Category | null> {
    return isUuid(id) ? this.categories.load(id) : null;
  }

  async serviceById(id: string): Promise<CatalogService | null> {
    return isUuid(id) ? this.services.load(id) : null;
  }

  async requireService(id: string): Promise<CatalogService> {
    const service = await this.serviceById(id);
    if (!service) throw new CatalogError(CatalogErrorCode.ServiceNotFound, `No service with id "${id}"`, { id });
    return service;
  }

  servicesOf(categoryId: string): Promise<CatalogService[]> {
    return this.servicesOfCategory.load(categoryId);
  }

  async requireCategory(id: string): Promise<Category> {
    const category = await this.categoryById(id);
    if (!category) throw new CatalogError(CatalogErrorCode.CategoryNotFound, `No category with id "${id}"`, { id });
    return category;
  }
}
