import { seededRandom, type Caller, type Database, type Outbox } from '@instainstru/platform';
import type { DocumentStorage, InstructorDomainDeps } from '../../domain/instructor.ports';
import type { AgeGroup, LessonMode, OfferedServiceTerms, SkillLevel } from '../../domain/instructor.types';
import { LiveStatus } from '../../domain/live-status.service';
import { OfferedServices } from '../../domain/offered-services.service';
import { ProfileEditing } from '../../domain/profile-editing.service';
import { ProviderNotifications } from '../../domain/provider-notifications.service';
import { Verification } from '../../domain/verification.service';
import { DEFAULT_UPLOAD_TTL_MINUTES, DEFAULT_UPLOADS_PER_HOUR } from '../../instructor.config';
import { TzLookupTimezones } from '../geocoding';
import { ZipCentroidGeocoder } from '../geocoding/zip-centroid.geocoder';
import { PostgresInstructorRepository } from '../instructor.repository';
import { DemoIdentityVerifier, DemoPayoutAccounts } from './demo-providers';
import { BIO_OPENINGS, DEMO_DOCUMENT, FIRST_NAMES, LAST_NAMES, NYC_PLACES, RATE_RANGES } from './instructor-seed-data';

/** A catalog service as the seed script read it from the catalog (the instructor service never does). */
export interface SeedCatalogService {
  id: string;
  name: string;
  categorySlug: string;
}

export interface SeedInstructorsOptions {
  count?: number;
  /** Seed of the random generator: the same seed and catalog give the same instructors. */
  seed?: number;
  log?: (message: string) => void;
}

export interface SeedInstructorsResult {
  created: number;
  existing: number;
  live: number;
  kidsCapable: number;
}

type Stage = 'live' | 'awaiting-review' | 'skills-only';

interface DemoInstructor {
  userId: string;
  displayName: string;
  bio: string;
  yearsOfExperience: number;
  address: { line1: string; postalCode: string; state: string };
  offers: { serviceId: string; terms: OfferedServiceTerms }[];
  stage: Stage;
  kidsCapable: boolean;
}

/** Deterministic demo instructors over real NYC ZIP codes: about 20% teach kids, 70% are live. */
export function demoInstructors(services: SeedCatalogService[], count: number, seed: number): DemoInstructor[] {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const byCategory = new Map<string, SeedCatalogService[]>();
  for (const service of services) {
    if (!RATE_RANGES[service.categorySlug]) continue;
    byCategory.set(service.categorySlug, [...(byCategory.get(service.categorySlug) ?? []), service]);
  }
  const categories = [...byCategory.keys()];
  if (categories.length === 0) throw new Error('The instructor seed needs the catalog seeded first');
  return Array.from({ length: count }, (_, i) => {
    const category = categories[i % categories.length]!;
    const pool = [...byCategory.get(category)!];
    const taught = Array.from({ length: 1 + Math.floor(random() * Math.min(3, pool.length)) }, () => pool.splice(Math.floor(random() * pool.length), 1)[0]!);
    const kidsCapable = i % 5 === 0;
    const [low, high] = RATE_RANGES[category]!;
    const place = pick(NYC_PLACES);
    const offers = taught.map((service) => {
      const ageGroups: AgeGroup[] = kidsCapable ? ['kids', ...(random() < 0.6 ? (['teens'] as const) : [])] : ['adults', ...(random() < 0.5 ? (['teens'] as const) : [])];
      const levels: SkillLevel[] = ['beginner', ...(random() < 0.8 ? (['intermediate'] as const) : []), ...(random() < 0.4 ? (['advanced'] as const) : [])];
      const lessonModes: LessonMode[] = [];
      if (random() < 0.5) lessonModes.push('at_studio');
      if (random() < 0.4) lessonModes.push('at_student_place');
      if (random() < 0.6 || lessonModes.length === 0) lessonModes.push('online');
      return {
        serviceId: service.id,
        terms: {
          hourlyRate: { amountMinor: Math.round((low + random() * (high - low)) / 500) * 500, currency: 'USD' },
          durationsMinutes: pick([[30, 45, 60], [60], [45, 60, 90], [30, 60]]),
          ageGroups,
          levels,
          lessonModes,
          travelRadiusMiles: lessonModes.includes('at_student_place') ? 2 + Math.floor(random() * 9) : null,
          description: null,
        },
      };
    });
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    return {
      userId: `seed-instructor-${String(i + 1).padStart(3, '0')}`,
      displayName: `${first} ${last}`,
      bio: `${pick(BIO_OPENINGS)} ${kidsCapable ? 'Kids are welcome, and parents can sit in.' : 'Lessons in English and at your own pace.'}`,
      yearsOfExperience: 1 + Math.floor(random() * 25),
      address: { line1: `${10 + Math.floor(random() * 390)} ${place.street}`, postalCode: place.postalCode, state: 'NY' },
      offers,
      stage: i % 10 < 7 ? 'live' : i % 10 < 9 ? 'awaiting-review' : 'skills-only',
      kidsCapable,
    };
  });
}

/**
 * Creates demo instructors through the same use cases as the API (so they are valid by
 * construction): profile and address, offered services, identity and Connect results applied as
 * Stripe's webhooks are, the background check uploaded to storage through a presigned URL and
 * approved by an admin, then go-live. Instructors that already exist are left alone.
 */
export async function seedInstructors(
  deps: { db: Database; outbox: Outbox; storage: DocumentStorage },
  services: SeedCatalogService[],
  options: SeedInstructorsOptions = {},
): Promise<SeedInstructorsResult> {
  const repository = new PostgresInstructorRepository(deps.db, deps.outbox);
  const domain: InstructorDomainDeps = {
    repository,
    geocoder: new ZipCentroidGeocoder(),
    timezones: new TzLookupTimezones(),
    storage: deps.storage,
    identity: new DemoIdentityVerifier(),
    payouts: new DemoPayoutAccounts(),
    appUrl: 'http://localhost:3000',
    uploadTtlMs: DEFAULT_UPLOAD_TTL_MINUTES * 60_000,
    uploadsPerHour: DEFAULT_UPLOADS_PER_HOUR,
    warn: (message) => options.log?.(message),
    now: () => new Date(),
  };
  const notifications = new ProviderNotifications(domain);
  const admin: Caller = { userId: 'seed-admin', roles: ['admin'], requestId: 'seed' };
  const result: SeedInstructorsResult = { created: 0, existing: 0, live: 0, kidsCapable: 0 };

  for (const demo of demoInstructors(services, options.count ?? 16, options.seed ?? 20241201)) {
    if (await repository.findByUserId(demo.userId)) {
      result.existing += 1;
      continue;
    }
    const caller: Caller = { userId: demo.userId, roles: ['instructor'], requestId: 'seed' };
    const editing = new ProfileEditing(domain, caller);
    const profile = await editing.startOnboarding({ displayName: demo.displayName, timezone: 'America/New_York' });
    await editing.updateProfile(profile.id, profile.version, { bio: demo.bio, yearsOfExperience: demo.yearsOfExperience, address: demo.address });
    const offered = new OfferedServices(domain, caller);
    for (const offer of demo.offers) await offered.offer(profile.id, offer.serviceId, offer.terms);

    if (demo.stage !== 'skills-only') {
      const verification = new Verification(domain, caller);
      const session = await verification.startIdentityVerification(profile.id);
      const createdAt = new Date();
      await notifications.apply({
        kind: 'identity-session',
        eventId: `evt_demo_identity_${session.id}`,
        type: 'identity.verification_session.verified',
        createdAt,
        sessionId: session.id,
        status: 'verified',
        lastErrorCode: null,
        instructorId: profile.id,
      });
      await verification.startPayoutAccountOnboarding(profile.id);
      const [withAccount] = await repository.findByIds([profile.id]);
      const accountId = withAccount!.payoutAccount.stripeAccountId!;
      await notifications.apply({
        kind: 'connect-account',
        eventId: `evt_demo_account_${accountId}`,
        type: 'account.updated',
        createdAt,
        accountId,
        chargesEnabled: true,
        payoutsEnabled: true,
        detailsSubmitted: true,
        instructorId: profile.id,
      });
      const grant = await verification.requestBackgroundCheckUpload(profile.id, { contentType: 'application/pdf', byteSize: DEMO_DOCUMENT.length });
      const put = await fetch(grant.uploadUrl, {
        method: 'PUT',
        headers: Object.fromEntries(grant.headers.filter((h) => h.name !== 'content-length').map((h) => [h.name, h.value])),
        body: DEMO_DOCUMENT,
      });
      if (!put.ok) throw new Error(`uploading the demo document failed: HTTP ${put.status}`);
      await verification.confirmBackgroundCheckUpload(profile.id, grant.uploadKey);
      if (demo.stage === 'live') {
        await new Verification(domain, admin).approveBackgroundCheck(profile.id);
        await new LiveStatus(domain, caller).goLive(profile.id);
        result.live += 1;
      }
    }
    if (demo.kidsCapable) result.kidsCapable += 1;
    result.created += 1;
    options.log?.(`instructor ${demo.displayName} (${demo.stage})`);
  }
  return result;
}
