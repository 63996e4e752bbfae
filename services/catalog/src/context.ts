import type { Caller } from '@instainstru/platform';
import type { CategoryQueries } from './domain/category.service';
import type { InstructorDiscovery } from './domain/instructor-offerings';

export interface CatalogContext {
  caller: Caller;
  categories: CategoryQueries;
  discovery: InstructorDiscovery;
}
