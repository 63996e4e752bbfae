import { createEventTablesV1, dropEventTablesV1 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InstructorInitial1763900000000 implements MigrationInterface {
  name = 'InstructorInitial1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table instructor_profile (
        id uuid primary key default gen_random_uuid(),
        user_id text not null unique,
        display_name text not null check (length(display_name) between 1 and 120),
        bio text check (length(bio) <= 2000),
        years_of_experience integer check (years_of_experience between 0 and 80),
        timezone text not null,
        address_line1 text,
        address_line2 text,
        address_city text,
        address_state text,
        address_postal_code text,
        address_country text,
        location geography(Point, 4326),
        location_precision text check (location_precision in ('POSTAL_CODE', 'ADDRESS')),
        photo_key text,
        is_live boolean not null default false,
        went_live_at timestamptz,
        -- optimistic concurrency of the editable profile (expectedVersion)
        version integer not null default 1,
        -- every change that emits an event; carried by the events so consumers can drop stale ones
        revision bigint not null default 1,
        identity_status text not null default 'NOT_STARTED'
          check (identity_status in ('NOT_STARTED', 'REQUIRES_INPUT', 'PROCESSING', 'VERIFIED', 'CANCELED')),
        identity_session_id text,
        identity_attempts integer not null default 0,
        identity_last_error_code text,
        identity_verified_at timestamptz,
        -- the Stripe event time of the last identity update applied (out-of-order webhooks are dropped)
        identity_event_at timestamptz,
        stripe_account_id text unique,
        connect_charges_enabled boolean not null default false,
        connect_payouts_enabled boolean not null default false,
        connect_details_submitted boolean not null default false,
        connect_event_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((location is null) = (address_postal_code is null))
      )`);
    await runner.query(`create index instructor_profile_location_idx on instructor_profile using gist (location)`);
    await runner.query(`create index instructor_profile_identity_session_idx on instructor_profile (identity_session_id)`);

    await runner.query(`
      create table background_check (
        instructor_id uuid primary key references instructor_profile (id) on delete cascade,
        status text not null check (status in ('PENDING_REVIEW', 'APPROVED', 'REJECTED')),
        object_key text not null,
        content_type text not null check (content_type in ('application/pdf', 'image/jpeg', 'image/png')),
        byte_size bigint not null check (byte_size > 0),
        submitted_at timestamptz not null,
        reviewed_at timestamptz,
        reviewed_by text,
        rejection_reason text,
        check ((status = 'REJECTED') = (rejection_reason is not null))
      )`);
    await runner.query(`create index background_check_pending_idx on background_check (submitted_at) where status = 'PENDING_REVIEW'`);

    await runner.query(`
      create table offered_service (
        id uuid primary key default gen_random_uuid(),
        instructor_id uuid not null references instructor_profile (id) on delete cascade,
        service_id uuid not null,
        hourly_rate_minor integer not null check (hourly_rate_minor > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        durations_minutes integer[] not null check (cardinality(durations_minutes) > 0),
        age_groups text[] not null check (cardinality(age_groups) > 0 and age_groups <@ array['kids', 'teens', 'adults']),
        levels text[] not null check (cardinality(levels) > 0 and levels <@ array['beginner', 'intermediate', 'advanced']),
        lesson_modes text[] not null
          check (cardinality(lesson_modes) > 0 and lesson_modes <@ array['at_studio', 'at_student_place', 'online']),
        travel_radius_miles integer check (travel_radius_miles between 1 and 100),
        description text check (length(description) <= 1000),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (instructor_id, service_id),
        check ((travel_radius_miles is not null) = ('at_student_place' = any (lesson_modes)))
      )`);
    await runner.query(`create index offered_service_instructor_idx on offered_service (instructor_id, created_at)`);
    await runner.query(`create index offered_service_age_groups_idx on offered_service using gin (age_groups)`);

    await runner.query(`
      create table stripe_webhook_event (
        event_id text primary key,
        type text not null,
        stripe_created_at timestamptz not null,
        received_at timestamptz not null default now(),
        outcome text not null
      )`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table stripe_webhook_event`);
    await runner.query(`drop table offered_service`);
    await runner.query(`drop table background_check`);
    await runner.query(`drop table instructor_profile`);
  }
}
