import type { NewEvent } from '@instainstru/events';
import type {
  GeocodePrecision,
  GeoPoint,
  InstructorProfile,
  OfferedService,
  OfferedServiceTerms,
} from './instructor.types';
import type { IssuedUpload } from './uploads.rules';

/** Reads outside a transaction. */
export interface InstructorReads {
  findByIds(ids: readonly string[]): Promise<InstructorProfile[]>;
  findByUserId(userId: string): Promise<InstructorProfile | null>;
  offeredServicesOf(instructorIds: readonly string[]): Promise<OfferedService[]>;
  findOfferedServiceById(id: string): Promise<OfferedService | null>;
  /** Instructors whose background check waits for review, oldest submission first. */
  awaitingBackgroundCheckReview(limit: number): Promise<InstructorProfile[]>;
  findIssuedUpload(key: string): Promise<IssuedUpload | null>;
  /** Uploads whose window ended at `now` or before, oldest first. */
  expiredUploads(now: Date, limit: number): Promise<IssuedUpload[]>;
}

export interface NewProfile {
  userId: string;
  displayName: string;
  timezone: string;
}

/**
 * Everything written in one database transaction. Rows read with `lock…` stay locked until the
 * transaction ends, so concurrent changes of one instructor are applied one after the other.
 * Events appended here are committed with the change or not at all (transactional outbox).
 */
export interface InstructorUnitOfWork {
  /** Null when the user already has a profile. */
  createProfile(profile: NewProfile): Promise<InstructorProfile | null>;
  lockProfile(id: string): Promise<InstructorProfile | null>;
  lockProfileByIdentitySession(sessionId: string): Promise<InstructorProfile | null>;
  lockProfileByStripeAccount(accountId: string): Promise<InstructorProfile | null>;
  /** Writes every mutable column of the profile (including its background check). */
  saveProfile(profile: InstructorProfile): Promise<void>;
  offeredServicesOf(instructorId: string): Promise<OfferedService[]>;
  lockOfferedService(id: string): Promise<OfferedService | null>;
  /** Null when the instructor already offers that service. */
  insertOfferedService(instructorId: string, serviceId: string, terms: OfferedServiceTerms): Promise<OfferedService | null>;
  saveOfferedService(offered: OfferedService): Promise<OfferedService>;
  deleteOfferedService(id: string): Promise<void>;
  recordIssuedUpload(upload: IssuedUpload): Promise<void>;
  /** Counts one upload request in the instructor's window; false (nothing counted) when `limit` were already made in it. */
  takeUploadRequest(instructorId: string, windowStart: Date, limit: number): Promise<boolean>;
  /** Forgets upload-request windows that started before `before`. */
  forgetUploadRequestWindows(before: Date): Promise<void>;
  /** The issued upload, locked: concurrent confirmations of one upload are decided one after the other. */
  lockIssuedUpload(key: string): Promise<IssuedUpload | null>;
  markUploadKept(key: string, keptKey: string): Promise<void>;
  /** Forgets these uploads if their window ended at `now` or before; returns how many it forgot. */
  forgetExpiredUploads(keys: readonly string[], now: Date): Promise<number>;
  /** Records a provider event id; false when it was seen before (the caller then does nothing). */
  recordWebhookEvent(eventId: string, type: string, createdAt: Date): Promise<boolean>;
  setWebhookOutcome(eventId: string, outcome: string): Promise<void>;
  publish(event: NewEvent<object>): Promise<void>;
}

export interface InstructorRepository extends InstructorReads {
  transaction<T>(work: (uow: InstructorUnitOfWork) => Promise<T>): Promise<T>;
}

export interface AddressQuery {
  line1: string;
  city: string | null;
  state: string | null;
  postalCode: string;
  country: string;
}

export interface GeocodedAddress {
  location: GeoPoint;
  city: string;
  state: string;
  postalCode: string;
  precision: GeocodePrecision;
}

/** Turns an address into a point. Null when it cannot be found; throws when the provider fails. */
export interface Geocoder {
  geocode(address: AddressQuery): Promise<GeocodedAddress | null>;
}

/** The IANA timezone at a point (offline). */
export interface TimezoneFinder {
  timezoneAt(point: GeoPoint): string | null;
}

export interface PresignedPut {
  url: string;
  headers: Record<string, string>;
  expiresAt: Date;
}

/** Object storage for photos and documents (S3/R2). Throws when storage is unavailable. */
export interface DocumentStorage {
  presignPut(request: { key: string; contentType: string; byteSize: number; expiresInSeconds: number }): Promise<PresignedPut>;
  /** Null when there is no such object. */
  sizeOf(key: string): Promise<number | null>;
  /** Reads only the first `count` bytes (a range request). */
  readFirstBytes(key: string, count: number): Promise<Uint8Array>;
  /**
   * A server-side copy, stored with the given content type (whatever the source was uploaded with).
   * False when there is no source object.
   */
  copy(request: { from: string; to: string; contentType: string }): Promise<boolean>;
  delete(key: string): Promise<void>;
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}

export interface IdentitySession {
  id: string;
  clientSecret: string | null;
  url: string | null;
}

/** Stripe Identity. Every creating call carries an idempotency key. */
export interface IdentityVerifier {
  createSession(request: { instructorId: string; idempotencyKey: string; returnUrl: string }): Promise<IdentitySession>;
  cancelSession(sessionId: string): Promise<void>;
}

/** Stripe Connect. */
export interface PayoutAccounts {
  createAccount(request: { instructorId: string; idempotencyKey: string }): Promise<{ id: string }>;
  deleteAccount(accountId: string): Promise<void>;
  createOnboardingLink(request: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: Date }>;
}

/** A verified provider notification, reduced to what the domain acts on. */
export type PaymentProviderNotification =
  | {
      kind: 'identity-session';
      eventId: string;
      type: string;
      createdAt: Date;
      sessionId: string;
      /** Stripe's session status at the time of the event. */
      status: 'requires_input' | 'processing' | 'verified' | 'canceled';
      lastErrorCode: string | null;
      instructorId: string | null;
    }
  | {
      kind: 'connect-account';
      eventId: string;
      type: string;
      createdAt: Date;
      accountId: string;
      chargesEnabled: boolean;
      payoutsEnabled: boolean;
      detailsSubmitted: boolean;
      instructorId: string | null;
    }
  | { kind: 'other'; eventId: string; type: string; createdAt: Date };

/** What the use cases are built from; wired once per process in module.ts (or by the seed). */
export interface InstructorDomainDeps {
  repository: InstructorRepository;
  geocoder: Geocoder;
  timezones: TimezoneFinder;
  storage: DocumentStorage;
  identity: IdentityVerifier;
  payouts: PayoutAccounts;
  /** The instructor web app; Stripe sends the instructor back here. */
  appUrl: string;
  /** How long an upload may wait for its confirmation. */
  uploadTtlMs: number;
  /** Upload requests one instructor may make per clock hour. */
  uploadsPerHour: number;
  /** For best-effort clean-ups that must not fail the request. */
  warn(message: string, details: Record<string, unknown>): void;
  now(): Date;
}
