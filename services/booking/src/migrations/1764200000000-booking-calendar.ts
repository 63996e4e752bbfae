import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bookings become real: what was booked (service, duration, mode), its price and payment seam, its
 * lifecycle details, a database-enforced "no two active bookings of one instructor overlap", and
 * booking's own read model of instructors built from instructor events.
 *
 * The booking table had no write path before this migration, so the new NOT NULL columns need no
 * backfill.
 */
export class BookingCalendar1764200000000 implements MigrationInterface {
  name = 'BookingCalendar1764200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      alter table booking
        add column service_id uuid not null,
        add column duration_minutes integer not null check (duration_minutes between 15 and 240),
        add column lesson_mode text not null check (lesson_mode in ('at_studio', 'at_student_place', 'online')),
        add column price_minor integer not null check (price_minor >= 0),
        add column currency text not null check (currency ~ '^[A-Z]{3}$'),
        add column payment_status text not null default 'NOT_STARTED',
        add column notes text check (char_length(notes) <= 1000),
        add column confirmed_at timestamptz,
        add column cancelled_by text check (cancelled_by in ('STUDENT', 'INSTRUCTOR', 'ADMIN', 'SYSTEM')),
        add column cancel_reason text check (char_length(cancel_reason) <= 1000),
        add column cancelled_at timestamptz,
        add column completed_by text check (completed_by in ('INSTRUCTOR', 'SYSTEM')),
        add column completed_at timestamptz,
        add column no_show_marked_at timestamptz,
        add column updated_at timestamptz not null default now(),
        add constraint booking_duration_matches check (ends_at = starts_at + make_interval(mins => duration_minutes))`);
    // Two active bookings of one instructor never overlap: decided by Postgres, so concurrent
    // creates for one slot conflict here whatever the application checked before.
    await runner.query(`
      alter table booking add constraint booking_no_overlap
        exclude using gist (instructor_id with =, tstzrange(starts_at, ends_at) with &&)
        where (status in ('REQUESTED', 'CONFIRMED'))`);
    await runner.query(`create index booking_student_page_idx on booking (student_user_id, starts_at, id)`);
    await runner.query(`create index booking_requested_idx on booking (created_at) where status = 'REQUESTED'`);
    await runner.query(`create index booking_confirmed_end_idx on booking (ends_at) where status = 'CONFIRMED'`);
    await runner.query(`
      create table instructor_offering (
        instructor_id uuid primary key,
        user_id text not null,
        is_live boolean not null,
        timezone text not null,
        offered_services jsonb not null,
        revision integer not null,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table instructor_offering`);
    await runner.query(`drop index booking_confirmed_end_idx`);
    await runner.query(`drop index booking_requested_idx`);
    await runner.query(`drop index booking_student_page_idx`);
    await runner.query(`alter table booking drop constraint booking_no_overlap`);
    await runner.query(`
      alter table booking
        drop constraint booking_duration_matches,
        drop column service_id, drop column duration_minutes, drop column lesson_mode, drop column price_minor,
        drop column currency, drop column payment_status, drop column notes,
        drop column confirmed_at, drop column cancelled_by, drop column cancel_reason, drop column cancelled_at,
        drop column completed_by, drop column completed_at, drop column no_show_marked_at, drop column updated_at`);
  }
}
