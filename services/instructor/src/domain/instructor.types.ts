/** The instructor context's own vocabulary; these words are stored in Postgres and carried by events. */
export const AGE_GROUPS = ['kids', 'teens', 'adults'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const SKILL_LEVELS = ['beginner', 'intermediate', 'advanced'] as const;
export type SkillLevel = (typeof SKILL_LEVELS)[number];

export const LESSON_MODES = ['at_studio', 'at_student_place', 'online'] as const;
export type LessonMode = (typeof LESSON_MODES)[number];

/** Lesson modes that happen at a place, so they need the instructor's address. */
export const IN_PERSON_MODES: readonly LessonMode[] = ['at_studio', 'at_student_place'];

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

export type GeocodePrecision = 'POSTAL_CODE' | 'ADDRESS';

export interface Address {
  line1: string;
  line2: string | null;
  city: string;
  state: string;
  postalCode: string;
  country: string;
  location: GeoPoint;
  precision: GeocodePrecision;
}

export type IdentityVerificationStatus = 'NOT_STARTED' | 'REQUIRES_INPUT' | 'PROCESSING' | 'VERIFIED' | 'CANCELED';

export interface IdentityVerification {
  status: IdentityVerificationStatus;
  sessionId: string | null;
  /** How many sessions were started; the next one's idempotency key is built from it. */
  attempts: number;
  lastErrorCode: string | null;
  verifiedAt: string | null;
  /** Stripe's `created` time of the last event applied; older ones are stale. */
  lastEventAt: string | null;
}

export type BackgroundCheckStatus = 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED';

export interface BackgroundCheck {
  status: BackgroundCheckStatus;
  objectKey: string;
  contentType: string;
  byteSize: number;
  submittedAt: string;
  reviewedAt: string | null;
  reviewedBy: string | null;
  rejectionReason: string | null;
}

export interface PayoutAccount {
  stripeAccountId: string | null;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** Stripe's `created` time of the last account.updated applied; older ones are stale. */
  lastEventAt: string | null;
  /**
   * Grows with every change of the state above (account id, capabilities); 0 while the instructor
   * never had an account. Carried by the private instructor.payout-account-updated events, apart
   * from the profile's `revision`, which orders the public ones.
   */
  revision: number;
  /** When that state last changed (the profile's creation until then). */
  changedAt: string;
}

/** The instructor aggregate as the domain sees it (plain data; no ORM entity crosses this line). */
export interface InstructorProfile {
  id: string;
  userId: string;
  displayName: string;
  bio: string | null;
  yearsOfExperience: number | null;
  timezone: string;
  address: Address | null;
  photoKey: string | null;
  isLive: boolean;
  wentLiveAt: string | null;
  /** Optimistic concurrency of the editable profile. */
  version: number;
  /** Bumped by every change that emits an event. */
  revision: number;
  identity: IdentityVerification;
  backgroundCheck: BackgroundCheck | null;
  payoutAccount: PayoutAccount;
  createdAt: string;
  updatedAt: string;
}

/**
 * A profile as the Instructor entity resolves it: with the service names the gateway fetched from
 * the catalog for `generatedBio` (federation `@requires`), in offered-service order.
 */
export interface InstructorView extends InstructorProfile {
  skillNames?: (string | null)[];
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface OfferedServiceTerms {
  hourlyRate: Money;
  durationsMinutes: number[];
  ageGroups: AgeGroup[];
  levels: SkillLevel[];
  lessonModes: LessonMode[];
  travelRadiusMiles: number | null;
  description: string | null;
}

export interface OfferedService extends OfferedServiceTerms {
  id: string;
  instructorId: string;
  serviceId: string;
  version: number;
  createdAt: string;
}

/** A catalog service, known here by id only. */
export interface ServiceReference {
  id: string;
}
