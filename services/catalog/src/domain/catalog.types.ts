export interface Category {
  id: string;
  slug: string;
  name: string;
  subtitle: string | null;
  iconName: string;
  displayOrder: number;
  /** Kids: its services are derived from live kids-capable instructors, not listed. */
  isVirtual: boolean;
}

export interface CatalogService {
  id: string;
  slug: string;
  name: string;
  categoryId: string;
  synonyms: string[];
}

/** Reads of categories and services; implemented in infra, used by the domain. */
export interface CatalogRepository {
  listCategories(): Promise<Category[]>;
  findCategoriesByIds(ids: readonly string[]): Promise<Category[]>;
  findCategoryBySlug(slug: string): Promise<Category | null>;
  findServicesByIds(ids: readonly string[]): Promise<CatalogService[]>;
  listServicesOfCategories(categoryIds: readonly string[]): Promise<CatalogService[]>;
}
