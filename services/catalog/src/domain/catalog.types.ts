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
