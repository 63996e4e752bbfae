import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The calendar: the instructor read model (whose row also serialises saves and holds of one
 * instructor), each week's slots materialised as real instants, and slot holds that can never
 * overlap (lesson plus buffer) thanks to an exclusion constraint.
 */
export class AvailabilityCalendar1764100000000 implements MigrationInterface {
  name = 'AvailabilityCalendar1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table instructor_calendar (
        instructor_id uuid primary key,
        user_id text not null,
        timezone text not null,
        is_live boolean not null,
        durations_minutes integer[] not null default '{}',
        revision integer not null,
        updated_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table availability_window (
        instructor_id uuid not null,
        week_start date not null,
        during tstzrange not null check (not isempty(during) and lower_inc(during) and not upper_inc(during)),
        foreign key (instructor_id, week_start) references availability_week (instructor_id, week_start) on delete cascade
      )`);
    await runner.query(`create index availability_window_week_idx on availability_window (instructor_id, week_start)`);
    await runner.query(`create index availability_window_during_idx on availability_window using gist (instructor_id, during)`);
    await runner.query(`
      create table slot_hold (
        booking_id uuid primary key,
        instructor_id uuid not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        -- the lesson plus the buffer after it: no two holds of one instructor may share any of it
        blocked tstzrange not null,
        status text not null check (status in ('HELD', 'CONFIRMED')),
        expires_at timestamptz,
        created_at timestamptz not null default now(),
        check (ends_at > starts_at),
        check (lower(blocked) = starts_at and upper(blocked) >= ends_at),
        check ((status = 'HELD') = (expires_at is not null)),
        constraint slot_hold_no_overlap exclude using gist (instructor_id with =, blocked with &&)
      )`);
    await runner.query(`create index slot_hold_expiry_idx on slot_hold (expires_at) where status = 'HELD'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table slot_hold`);
    await runner.query(`drop table availability_window`);
    await runner.query(`drop table instructor_calendar`);
  }
}
