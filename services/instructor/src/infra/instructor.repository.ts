import type { NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { InstructorRepository, InstructorUnitOfWork, NewProfile } from '../domain/instructor.ports';
import type { IssuedUpload, UploadPurpose } from '../domain/uploads.rules';
import type {
  AgeGroup,
  BackgroundCheckStatus,
  GeocodePrecision,
  IdentityVerificationStatus,
  InstructorProfile,
  LessonMode,
  OfferedService,
  OfferedServiceTerms,
  SkillLevel,
} from '../domain/instructor.types';

interface ProfileRow {
  id: string;
  user_id: string;
  display_name: string;
  bio: string | null;
  years_of_experience: number | null;
  timezone: string;
  address_line1: string | null;
  address_line2: string | null;
  address_city: string | null;
  address_state: string | null;
  address_postal_code: string | null;
  address_country: string | null;
  latitude: number | null;
  longitude: number | null;
  location_precision: GeocodePrecision | null;
  photo_key: string | null;
  is_live: boolean;
  went_live_at: Date | null;
  version: number;
  revision: string;
  identity_status: IdentityVerificationStatus;
  identity_session_id: string | null;
  identity_attempts: number;
  identity_last_error_code: string | null;
  identity_verified_at: Date | null;
  identity_event_at: Date | null;
  stripe_account_id: string | null;
  connect_charges_enabled: boolean;
  connect_payouts_enabled: boolean;
  connect_details_submitted: boolean;
  connect_event_at: Date | null;
  payout_account_revision: string;
  payout_account_changed_at: Date;
  created_at: Date;
  updated_at: Date;
  bc_status: BackgroundCheckStatus | null;
  bc_object_key: string | null;
  bc_content_type: string | null;
  bc_byte_size: string | null;
  bc_submitted_at: Date | null;
  bc_reviewed_at: Date | null;
  bc_reviewed_by: string | null;
  bc_rejection_reason: string | null;
}

interface OfferedServiceRow {
  id: string;
  instructor_id: string;
  service_id: string;
  hourly_rate_minor: number;
  currency: string;
  durations_minutes: number[];
  age_groups: AgeGroup[];
  levels: SkillLevel[];
  lesson_modes: LessonMode[];
  travel_radius_miles: number | null;
  description: string | null;
  version: number;
  created_at: Date;
}

interface IssuedUploadRow {
  upload_key: string;
  instructor_id: string;
  purpose: UploadPurpose;
  requested_at: Date;
  expires_at: Date;
  kept_key: string | null;
}

const ISSUED_UPLOAD_COLUMNS = `upload_key, instructor_id, purpose, requested_at, expires_at, kept_key`;

const toIssuedUpload = (r: IssuedUploadRow): IssuedUpload => ({
  key: r.upload_key,
  instructorId: r.instructor_id,
  purpose: r.purpose,
  requestedAt: r.requested_at,
  expiresAt: r.expires_at,
  keptKey: r.kept_key,
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const PROFILE_SELECT = `
  select p.id, p.user_id, p.display_name, p.bio, p.years_of_experience, p.timezone,
         p.address_line1, p.address_line2, p.address_city, p.address_state, p.address_postal_code, p.address_country,
         st_y(p.location::geometry) as latitude, st_x(p.location::geometry) as longitude, p.location_precision,
         p.photo_key, p.is_live, p.went_live_at, p.version, p.revision,
         p.identity_status, p.identity_session_id, p.identity_attempts, p.identity_last_error_code, p.identity_verified_at, p.identity_event_at,
         p.stripe_account_id, p.connect_charges_enabled, p.connect_payouts_enabled, p.connect_details_submitted, p.connect_event_at,
         p.payout_account_revision, p.payout_account_changed_at, p.created_at, p.updated_at,
         b.status as bc_status, b.object_key as bc_object_key, b.content_type as bc_content_type, b.byte_size as bc_byte_size,
         b.submitted_at as bc_submitted_at, b.reviewed_at as bc_reviewed_at, b.reviewed_by as bc_reviewed_by, b.rejection_reason as bc_rejection_reason
    from instructor_profile p
    left join background_check b on b.instructor_id = p.id`;

function toProfile(r: ProfileRow): InstructorProfile {
  const hasAddress = r.address_postal_code !== null && r.latitude !== null && r.longitude !== null;
  return {
    id: r.id,
    userId: r.user_id,
    displayName: r.display_name,
    bio: r.bio,
    yearsOfExperience: r.years_of_experience,
    timezone: r.timezone,
    address: hasAddress
      ? {
          line1: r.address_line1 ?? '',
          line2: r.address_line2,
          city: r.address_city ?? '',
          state: r.address_state ?? '',
          postalCode: r.address_postal_code!,
          country: r.address_country ?? 'US',
          location: { latitude: r.latitude!, longitude: r.longitude! },
          precision: r.location_precision ?? 'POSTAL_CODE',
        }
      : null,
    photoKey: r.photo_key,
    isLive: r.is_live,
    wentLiveAt: iso(r.went_live_at),
    version: r.version,
    revision: Number(r.revision),
    identity: {
      status: r.identity_status,
      sessionId: r.identity_session_id,
      attempts: r.identity_attempts,
      lastErrorCode: r.identity_last_error_code,
      verifiedAt: iso(r.identity_verified_at),
      lastEventAt: iso(r.identity_event_at),
    },
    backgroundCheck:
      r.bc_status && r.bc_object_key && r.bc_content_type && r.bc_submitted_at
        ? {
            status: r.bc_status,
            objectKey: r.bc_object_key,
            contentType: r.bc_content_type,
            byteSize: Number(r.bc_byte_size),
            submittedAt: r.bc_submitted_at.toISOString(),
            reviewedAt: iso(r.bc_reviewed_at),
            reviewedBy: r.bc_reviewed_by,
            rejectionReason: r.bc_rejection_reason,
          }
        : null,
    payoutAccount: {
      stripeAccountId: r.stripe_account_id,
      chargesEnabled: r.connect_charges_enabled,
      payoutsEnabled: r.connect_payouts_enabled,
      detailsSubmitted: r.connect_details_submitted,
      lastEventAt: iso(r.connect_event_at),
      revision: Number(r.payout_account_revision),
      changedAt: r.payout_account_changed_at.toISOString(),
    },
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const OFFERED_COLUMNS = `id, instructor_id, service_id, hourly_rate_minor, currency, durations_minutes, age_groups, levels, lesson_modes,
  travel_radius_miles, description, version, created_at`;

function toOffered(r: OfferedServiceRow): OfferedService {
  return {
    id: r.id,
    instructorId: r.instructor_id,
    serviceId: r.service_id,
    hourlyRate: { amountMinor: r.hourly_rate_minor, currency: r.currency },
    durationsMinutes: r.durations_minutes,
    ageGroups: r.age_groups,
    levels: r.levels,
    lessonModes: r.lesson_modes,
    travelRadiusMiles: r.travel_radius_miles,
    description: r.description,
    version: r.version,
    createdAt: r.created_at.toISOString(),
  };
}

const termsParams = (t: OfferedServiceTerms) => [
  t.hourlyRate.amountMinor,
  t.hourlyRate.currency,
  t.durationsMinutes,
  t.ageGroups,
  t.levels,
  t.lessonModes,
  t.travelRadiusMiles,
  t.description,
];

class PostgresInstructorUnitOfWork implements InstructorUnitOfWork {
  constructor(
    private readonly tx: Sql,
    private readonly outbox: Outbox,
  ) {}

  async createProfile(profile: NewProfile): Promise<InstructorProfile | null> {
    const [row] = await this.tx.query<{ id: string }>(
      `insert into instructor_profile (user_id, display_name, timezone) values ($1, $2, $3) on conflict (user_id) do nothing returning id`,
      [profile.userId, profile.displayName, profile.timezone],
    );
    return row ? this.lockOne(`where p.id = $1`, [row.id]) : null;
  }

  lockProfile(id: string): Promise<InstructorProfile | null> {
    return this.lockOne(`where p.id = $1`, [id]);
  }

  lockProfileByIdentitySession(sessionId: string): Promise<InstructorProfile | null> {
    return this.lockOne(`where p.identity_session_id = $1`, [sessionId]);
  }

  lockProfileByStripeAccount(accountId: string): Promise<InstructorProfile | null> {
    return this.lockOne(`where p.stripe_account_id = $1`, [accountId]);
  }

  async saveProfile(p: InstructorProfile): Promise<void> {
    const a = p.address;
    await this.tx.query(
      `update instructor_profile set
         display_name = $2, bio = $3, years_of_experience = $4, timezone = $5,
         address_line1 = $6, address_line2 = $7, address_city = $8, address_state = $9, address_postal_code = $10, address_country = $11,
         location = case when $12::float8 is null then null else st_setsrid(st_makepoint($13::float8, $12::float8), 4326)::geography end,
         location_precision = $14, photo_key = $15, is_live = $16, went_live_at = $17, version = $18, revision = $19,
         identity_status = $20, identity_session_id = $21, identity_attempts = $22, identity_last_error_code = $23,
         identity_verified_at = $24, identity_event_at = $25,
         stripe_account_id = $26, connect_charges_enabled = $27, connect_payouts_enabled = $28, connect_details_submitted = $29,
         connect_event_at = $30, payout_account_revision = $31, payout_account_changed_at = $32, updated_at = now()
       where id = $1`,
      [
        p.id,
        p.displayName,
        p.bio,
        p.yearsOfExperience,
        p.timezone,
        a?.line1 ?? null,
        a?.line2 ?? null,
        a?.city ?? null,
        a?.state ?? null,
        a?.postalCode ?? null,
        a?.country ?? null,
        a?.location.latitude ?? null,
        a?.location.longitude ?? null,
        a?.precision ?? null,
        p.photoKey,
        p.isLive,
        p.wentLiveAt,
        p.version,
        p.revision,
        p.identity.status,
        p.identity.sessionId,
        p.identity.attempts,
        p.identity.lastErrorCode,
        p.identity.verifiedAt,
        p.identity.lastEventAt,
        p.payoutAccount.stripeAccountId,
        p.payoutAccount.chargesEnabled,
        p.payoutAccount.payoutsEnabled,
        p.payoutAccount.detailsSubmitted,
        p.payoutAccount.lastEventAt,
        p.payoutAccount.revision,
        p.payoutAccount.changedAt,
      ],
    );
    const check = p.backgroundCheck;
    if (!check) {
      await this.tx.query(`delete from background_check where instructor_id = $1`, [p.id]);
      return;
    }
    await this.tx.query(
      `insert into background_check (instructor_id, status, object_key, content_type, byte_size, submitted_at, reviewed_at, reviewed_by, rejection_reason)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (instructor_id) do update set status = excluded.status, object_key = excluded.object_key, content_type = excluded.content_type,
         byte_size = excluded.byte_size, submitted_at = excluded.submitted_at, reviewed_at = excluded.reviewed_at,
         reviewed_by = excluded.reviewed_by, rejection_reason = excluded.rejection_reason`,
      [p.id, check.status, check.objectKey, check.contentType, check.byteSize, check.submittedAt, check.reviewedAt, check.reviewedBy, check.rejectionReason],
    );
  }

  async offeredServicesOf(instructorId: string): Promise<OfferedService[]> {
    const rows = await this.tx.query<OfferedServiceRow>(
      `select ${OFFERED_COLUMNS} from offered_service where instructor_id = $1 order by created_at, id`,
      [instructorId],
    );
    return rows.map(toOffered);
  }

  async lockOfferedService(id: string): Promise<OfferedService | null> {
    const [row] = await this.tx.query<OfferedServiceRow>(`select ${OFFERED_COLUMNS} from offered_service where id = $1 for update`, [id]);
    return row ? toOffered(row) : null;
  }

  async insertOfferedService(instructorId: string, serviceId: string, terms: OfferedServiceTerms): Promise<OfferedService | null> {
    const [row] = await this.tx.query<OfferedServiceRow>(
      `insert into offered_service (instructor_id, service_id, hourly_rate_minor, currency, durations_minutes, age_groups, levels, lesson_modes,
         travel_radius_miles, description, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp())
       on conflict (instructor_id, service_id) do nothing
       returning ${OFFERED_COLUMNS}`,
      [instructorId, serviceId, ...termsParams(terms)],
    );
    return row ? toOffered(row) : null;
  }

  async saveOfferedService(o: OfferedService): Promise<OfferedService> {
    const [row] = await this.tx.query<OfferedServiceRow>(
      `update offered_service set hourly_rate_minor = $2, currency = $3, durations_minutes = $4, age_groups = $5, levels = $6, lesson_modes = $7,
         travel_radius_miles = $8, description = $9, version = $10, updated_at = now()
       where id = $1 returning ${OFFERED_COLUMNS}`,
      [o.id, ...termsParams(o), o.version],
    );
    return toOffered(row!);
  }

  async deleteOfferedService(id: string): Promise<void> {
    await this.tx.query(`delete from offered_service where id = $1`, [id]);
  }

  async recordIssuedUpload(u: IssuedUpload): Promise<void> {
    await this.tx.query(
      `insert into issued_upload (upload_key, instructor_id, purpose, requested_at, expires_at, kept_key) values ($1, $2, $3, $4, $5, $6)`,
      [u.key, u.instructorId, u.purpose, u.requestedAt, u.expiresAt, u.keptKey],
    );
  }

  async takeUploadRequest(instructorId: string, windowStart: Date, limit: number): Promise<boolean> {
    const rows = await this.tx.query(
      `insert into upload_request_window (instructor_id, window_start, requests) values ($1, $2, 1)
       on conflict (instructor_id, window_start) do update set requests = upload_request_window.requests + 1
       where upload_request_window.requests < $3
       returning requests`,
      [instructorId, windowStart, limit],
    );
    return rows.length === 1;
  }

  async forgetUploadRequestWindows(before: Date): Promise<void> {
    await this.tx.query(`delete from upload_request_window where window_start < $1`, [before]);
  }

  async lockIssuedUpload(key: string): Promise<IssuedUpload | null> {
    const [row] = await this.tx.query<IssuedUploadRow>(`select ${ISSUED_UPLOAD_COLUMNS} from issued_upload where upload_key = $1 for update`, [key]);
    return row ? toIssuedUpload(row) : null;
  }

  async markUploadKept(key: string, keptKey: string): Promise<void> {
    await this.tx.query(`update issued_upload set kept_key = $2, confirmed_at = now() where upload_key = $1`, [key, keptKey]);
  }

  async forgetExpiredUploads(keys: readonly string[], now: Date): Promise<number> {
    const rows = await this.tx.query(`delete from issued_upload where upload_key = any($1::text[]) and expires_at <= $2 returning upload_key`, [keys, now]);
    return rows.length;
  }

  async recordWebhookEvent(eventId: string, type: string, createdAt: Date): Promise<boolean> {
    const rows = await this.tx.query(
      `insert into stripe_webhook_event (event_id, type, stripe_created_at, outcome) values ($1, $2, $3, 'received')
       on conflict (event_id) do nothing returning event_id`,
      [eventId, type, createdAt],
    );
    return rows.length === 1;
  }

  async setWebhookOutcome(eventId: string, outcome: string): Promise<void> {
    await this.tx.query(`update stripe_webhook_event set outcome = $2 where event_id = $1`, [eventId, outcome]);
  }

  async publish(event: NewEvent<object>): Promise<void> {
    await this.outbox.append(this.tx, event);
  }

  private async lockOne(where: string, params: unknown[]): Promise<InstructorProfile | null> {
    const [row] = await this.tx.query<ProfileRow>(`${PROFILE_SELECT} ${where} for update of p`, params);
    return row ? toProfile(row) : null;
  }
}

/** Postgres (the instructor schema) behind the domain's repository and unit of work. */
export class PostgresInstructorRepository implements InstructorRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async findByIds(ids: readonly string[]): Promise<InstructorProfile[]> {
    const rows = await this.db.query<ProfileRow>(`${PROFILE_SELECT} where p.id = any($1::uuid[])`, [ids]);
    return rows.map(toProfile);
  }

  async findByUserId(userId: string): Promise<InstructorProfile | null> {
    const [row] = await this.db.query<ProfileRow>(`${PROFILE_SELECT} where p.user_id = $1`, [userId]);
    return row ? toProfile(row) : null;
  }

  async offeredServicesOf(instructorIds: readonly string[]): Promise<OfferedService[]> {
    const rows = await this.db.query<OfferedServiceRow>(
      `select ${OFFERED_COLUMNS} from offered_service where instructor_id = any($1::uuid[]) order by created_at, id`,
      [instructorIds],
    );
    return rows.map(toOffered);
  }

  async findOfferedServiceById(id: string): Promise<OfferedService | null> {
    const [row] = await this.db.query<OfferedServiceRow>(`select ${OFFERED_COLUMNS} from offered_service where id = $1`, [id]);
    return row ? toOffered(row) : null;
  }

  async awaitingBackgroundCheckReview(limit: number): Promise<InstructorProfile[]> {
    const rows = await this.db.query<ProfileRow>(`${PROFILE_SELECT} where b.status = 'PENDING_REVIEW' order by b.submitted_at limit $1`, [limit]);
    return rows.map(toProfile);
  }

  async findIssuedUpload(key: string): Promise<IssuedUpload | null> {
    const [row] = await this.db.query<IssuedUploadRow>(`select ${ISSUED_UPLOAD_COLUMNS} from issued_upload where upload_key = $1`, [key]);
    return row ? toIssuedUpload(row) : null;
  }

  async expiredUploads(now: Date, limit: number): Promise<IssuedUpload[]> {
    const rows = await this.db.query<IssuedUploadRow>(
      `select ${ISSUED_UPLOAD_COLUMNS} from issued_upload where expires_at <= $1 order by expires_at limit $2`,
      [now, limit],
    );
    return rows.map(toIssuedUpload);
  }

  transaction<T>(work: (uow: InstructorUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresInstructorUnitOfWork(tx, this.outbox)));
  }
}
