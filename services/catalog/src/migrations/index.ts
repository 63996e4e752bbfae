import { CatalogInitial1763900000000 } from './1763900000000-catalog-initial';
import { CatalogInstructorOfferings1764000000000 } from './1764000000000-catalog-instructor-offerings';
import { CatalogInstructorSearch1764300000000 } from './1764300000000-catalog-instructor-search';
import { CatalogOutboxEnvelopeText1764400000000 } from './1764400000000-catalog-outbox-envelope-text';
import { CatalogInstructorRatings1764500000000 } from './1764500000000-catalog-instructor-ratings';

/** Every catalog migration, oldest first. */
export const migrations = [CatalogInitial1763900000000, CatalogInstructorOfferings1764000000000, CatalogInstructorSearch1764300000000, CatalogOutboxEnvelopeText1764400000000, CatalogInstructorRatings1764500000000];
