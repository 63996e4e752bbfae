import { CatalogInitial1763900000000 } from './1763900000000-catalog-initial';

/** Every catalog migration, oldest first. */
export const migrations = [CatalogInitial1763900000000];
