import type { CatalogService, Category } from './catalog.types';

/** Reads of categories and services; implemented in infra, used by the domain. */
export interface CatalogRepository {
  listCategories(): Promise<Category[]>;
  findCategoriesByIds(ids: readonly string[]): Promise<Category[]>;
  findCategoryBySlug(slug: string): Promise<Category | null>;
  findServicesByIds(ids: readonly string[]): Promise<CatalogService[]>;
  listServicesOfCategories(categoryIds: readonly string[]): Promise<CatalogService[]>;
}
