import DataLoader from 'dataloader';
import { hasRole, isUuid, type Caller } from '@instainstru/platform';
import { canSeePrivate, canView, notFound, requireAdmin, requireSignedIn } from './access.rules';
import { generateBio } from './generated-bio.rules';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { DocumentStorage, InstructorReads } from './instructor.ports';
import type { BackgroundCheck, InstructorProfile, InstructorView, OfferedService } from './instructor.types';
import { factsOf, onboardingStatus, type OnboardingStatus } from './onboarding.rules';

/** Photo links are signed for two hours from the start of the hour, so a link stays the same for an hour. */
const PHOTO_LINK_SECONDS = 2 * 60 * 60;
const DOCUMENT_LINK_SECONDS = 5 * 60;
const REVIEW_QUEUE_LIMIT = 50;

/** Profile reads for one request, batched per request through DataLoaders, with visibility rules. */
export class InstructorProfiles {
  private readonly profiles: DataLoader<string, InstructorProfile | null>;
  private readonly offered: DataLoader<string, OfferedService[]>;

  constructor(
    private readonly reads: InstructorReads,
    private readonly storage: Pick<DocumentStorage, 'presignGet'>,
    private readonly caller: Caller,
  ) {
    this.profiles = new DataLoader(async (ids) => {
      const rows = new Map((await reads.findByIds(ids)).map((p) => [p.id, p]));
      return ids.map((id) => rows.get(id) ?? null);
    });
    this.offered = new DataLoader(async (ids) => {
      const rows = await reads.offeredServicesOf(ids);
      return ids.map((id) => rows.filter((o) => o.instructorId === id));
    });
  }

  async visibleProfile(id: string): Promise<InstructorProfile | null> {
    if (!isUuid(id)) return null;
    const profile = await this.profiles.load(id);
    return profile && canView(this.caller, profile) ? profile : null;
  }

  async requireVisibleProfile(id: string): Promise<InstructorProfile> {
    const profile = await this.visibleProfile(id);
    if (!profile) throw notFound(id);
    return profile;
  }

  /** An entity reference from the gateway, with the catalog's service names when `generatedBio` needs them. */
  async reference(id: string, requiredServiceNames?: (string | null)[]): Promise<InstructorView | null> {
    const profile = await this.visibleProfile(id);
    if (!profile) return null;
    return requiredServiceNames ? { ...profile, skillNames: requiredServiceNames } : profile;
  }

  /** The caller's own profile; null before onboarding started. */
  async myProfile(): Promise<InstructorProfile | null> {
    return this.reads.findByUserId(requireSignedIn(this.caller));
  }

  offeredServicesOf(profile: InstructorProfile): Promise<OfferedService[]> {
    return this.offered.load(profile.id);
  }

  /** Address, documents, Stripe ids and verification details: the instructor and admins only. */
  privateDetailsOf(profile: InstructorProfile): InstructorProfile {
    if (!canSeePrivate(this.caller, profile)) {
      throw new InstructorError(InstructorErrorCode.PrivateDetailsHidden, "Only the instructor and admins see an instructor's private details");
    }
    return profile;
  }

  async onboardingStatusOf(profile: InstructorProfile): Promise<OnboardingStatus> {
    const offered = await this.offeredServicesOf(profile);
    return onboardingStatus(factsOf(profile, offered.length));
  }

  /**
   * The generated bio needs the catalog's names of the offered services, which the gateway passes
   * along (federation `@requires`); null when none of them could be named.
   */
  async generatedBioOf(view: InstructorView): Promise<string | null> {
    const offered = await this.offeredServicesOf(view);
    const names = view.skillNames ?? [];
    const skills = names.filter((n): n is string => typeof n === 'string' && n.length > 0);
    if (offered.length > 0 && skills.length === 0) return null;
    return generateBio({
      displayName: view.displayName,
      yearsOfExperience: view.yearsOfExperience,
      skills,
      ageGroups: offered.flatMap((o) => o.ageGroups),
      lessonModes: offered.flatMap((o) => o.lessonModes),
      area: view.address && { city: view.address.city, state: view.address.state },
    });
  }

  async photoUrlOf(profile: InstructorProfile): Promise<string | null> {
    return profile.photoKey ? this.storage.presignGet(profile.photoKey, PHOTO_LINK_SECONDS) : null;
  }

  /** Admins only; the instructor sees the status of their document, not a link to it. */
  async documentUrlOf(check: BackgroundCheck): Promise<string | null> {
    return hasRole(this.caller, 'admin') ? this.storage.presignGet(check.objectKey, DOCUMENT_LINK_SECONDS) : null;
  }

  async awaitingBackgroundCheckReview(): Promise<InstructorProfile[]> {
    requireAdmin(this.caller);
    return this.reads.awaitingBackgroundCheckReview(REVIEW_QUEUE_LIMIT);
  }
}
