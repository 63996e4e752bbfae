import type { Caller } from '@instainstru/platform';
import type { CategoryQueries } from './domain/category.service';
import type { InstructorDiscovery } from './domain/instructor-offerings.service';
import type { InstructorSearch } from './domain/instructor-search.service';
import type { SearchQueryParsing } from './domain/search-query-parser.service';

export interface CatalogContext {
  caller: Caller;
  categories: CategoryQueries;
  discovery: InstructorDiscovery;
  searchParsing: SearchQueryParsing;
  search: InstructorSearch;
}
