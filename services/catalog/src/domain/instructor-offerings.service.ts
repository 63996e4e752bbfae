import type { InstructorState } from '@instainstru/events';
import { decodeOpaqueCursor, encodeOpaqueCursor, isPageSize, isUuid, MAX_PAGE_SIZE } from '@instainstru/platform';
import { CatalogError, CatalogErrorCode } from './catalog.errors';
import type { CatalogService } from './catalog.types';
import type { InstructorOfferingsRepository, InstructorOfferingsUnitOfWork, KidsServicesCache } from './instructor-offerings.ports';
import type { InstructorPage, InstructorPageKey, InstructorSnapshot, ListingContext } from './instructor-offerings.types';

export const KIDS = 'kids';
export const DEFAULT_PAGE_SIZE = 20;

/** What the catalog keeps of an instructor event's state. */
export function snapshotOf(p: InstructorState): InstructorSnapshot {
  return {
    instructorId: p.instructorId,
    revision: p.revision,
    displayName: p.instructor.displayName,
    isLive: p.instructor.isLive,
    location: p.instructor.location,
    bio: p.instructor.bio,
    yearsOfExperience: p.instructor.yearsOfExperience,
    hasPhoto: p.instructor.hasPhoto,
    area: p.instructor.area,
    offeredServices: p.offeredServices.map((o) => ({
      offeredServiceId: o.offeredServiceId,
      serviceId: o.serviceId,
      ageGroups: o.ageGroups,
      hourlyRate: o.hourlyRate,
      lessonModes: o.lessonModes,
      durationsMinutes: o.durationsMinutes,
      levels: o.levels,
      travelRadiusMiles: o.travelRadiusMiles,
    })),
  };
}

/** Applies one instructor event to the read model; older revisions change nothing. */
export function applyInstructorState(work: InstructorOfferingsUnitOfWork, state: InstructorState): Promise<boolean> {
  return work.applyIfNewer(snapshotOf(state));
}

export function encodeCursor(key: InstructorPageKey): string {
  return encodeOpaqueCursor([key.displayName, key.instructorId]);
}

/** A cursor this service handed out, or BAD_USER_INPUT; never trusted beyond its shape. */
export function decodeCursor(cursor: string): InstructorPageKey {
  const invalid = () => new CatalogError(CatalogErrorCode.InvalidCursor, 'The cursor is not one this API returned', {});
  if (cursor.length > 400) throw invalid();
  const parsed = decodeOpaqueCursor(cursor);
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [displayName, instructorId] = parsed as unknown[];
  if (typeof displayName !== 'string' || typeof instructorId !== 'string' || !isUuid(instructorId)) throw invalid();
  return { displayName, instructorId };
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!isPageSize(size)) {
    throw new CatalogError(CatalogErrorCode.InvalidPageSize, `first must be between 1 and ${MAX_PAGE_SIZE}`, { first: size, max: MAX_PAGE_SIZE });
  }
  return size;
}

/** Discovery over the read model: the derived Kids services and context-aware instructor lists. */
export class InstructorDiscovery {
  constructor(
    private readonly offerings: InstructorOfferingsRepository,
    private readonly cache: KidsServicesCache,
  ) {}

  kidsAvailableServices(): Promise<CatalogService[]> {
    return this.cache.get(() => this.offerings.kidsAvailableServices());
  }

  async instructorsForService(serviceId: string, context: ListingContext, first: number | null | undefined, after: string | null | undefined): Promise<InstructorPage> {
    const limit = pageSize(first);
    const afterKey = after == null ? null : decodeCursor(after);
    const rows = await this.offerings.liveInstructorsForService(serviceId, context === 'KIDS', afterKey, limit + 1);
    const page = rows.slice(0, limit);
    const edges = page.map((key) => ({ cursor: encodeCursor(key), node: { id: key.instructorId } }));
    return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
