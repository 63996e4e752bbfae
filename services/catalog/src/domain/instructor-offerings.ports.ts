import type { CatalogService } from './catalog.types';
import type { InstructorPageKey, InstructorSnapshot } from './instructor-offerings.types';

/**
 * Writes of the read model, inside the consumer's transaction: the read-model worker opens it (with
 * the inbox entry) and the unit of work is built over it, so the port has no `transaction(work)`.
 */
export interface InstructorOfferingsUnitOfWork {
  /**
   * Stores the snapshot unless the stored revision is newer (false then). The same revision is
   * applied again: it carries the same state, and a republished state backfills new columns.
   */
  applyIfNewer(snapshot: InstructorSnapshot): Promise<boolean>;
}

/** Reads of the read model of instructors. */
export interface InstructorOfferingsRepository {
  /** Services with at least one live instructor whose age groups include kids. */
  kidsAvailableServices(): Promise<CatalogService[]>;
  /** Live instructors offering a service, ordered by (display name, id), after `after`. */
  liveInstructorsForService(serviceId: string, kidsOnly: boolean, after: InstructorPageKey | null, limit: number): Promise<InstructorPageKey[]>;
}

/** The cached answer of kidsAvailableServices; invalidated when an event changed the read model. */
export interface KidsServicesCache {
  get(compute: () => Promise<CatalogService[]>): Promise<CatalogService[]>;
  invalidate(): Promise<void>;
}
