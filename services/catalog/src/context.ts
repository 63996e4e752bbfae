import type { Caller } from '@instainstru/platform';
import type { CategoryQueries } from './domain/category.service';

export interface CatalogContext {
  caller: Caller;
  categories: CategoryQueries;
}
