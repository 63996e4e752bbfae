import type { CatalogRepository } from './catalog.ports';
import { parseSearchQuery, validateSearchText, type ParsedSearch } from './search-query-parser.rules';

/** Natural-language search parsing against the catalog's own services, synonyms and categories. */
export class SearchQueryParsing {
  constructor(private readonly repository: CatalogRepository) {}

  /** Validates before reading the catalog, so bad input costs no query. */
  async parseSearch(text: string): Promise<ParsedSearch> {
    validateSearchText(text);
    const categories = await this.repository.listCategories();
    const services = await this.repository.listServicesOfCategories(categories.map((c) => c.id));
    return parseSearchQuery(text, { categories, services });
  }
}
