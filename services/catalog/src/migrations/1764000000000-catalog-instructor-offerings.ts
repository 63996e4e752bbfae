import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's read model of instructors: built only from the instructor service's events, each
 * carrying the instructor's whole public state and a revision (older revisions are dropped).
 */
export class CatalogInstructorOfferings1764000000000 implements MigrationInterface {
  name = 'CatalogInstructorOfferings1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table instructor_listing (
        instructor_id uuid primary key,
        display_name text not null,
        is_live boolean not null,
        location geography(Point, 4326),
        revision integer not null check (revision >= 1),
        updated_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table offered_service (
        offered_service_id uuid primary key,
        instructor_id uuid not null references instructor_listing(instructor_id) on delete cascade,
        service_id uuid not null,
        age_groups text[] not null,
        rate_minor integer not null check (rate_minor >= 0),
        currency char(3) not null,
        lesson_modes text[] not null
      )`);
    await runner.query(`create index offered_service_instructor_idx on offered_service (instructor_id)`);
    await runner.query(`create index offered_service_service_idx on offered_service (service_id, instructor_id)`);
    await runner.query(`create index offered_service_age_groups_idx on offered_service using gin (age_groups)`);
    await runner.query(`create index instructor_listing_live_name_idx on instructor_listing (display_name, instructor_id) where is_live`);
    await runner.query(`create index instructor_listing_location_idx on instructor_listing using gist (location)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table offered_service`);
    await runner.query(`drop table instructor_listing`);
  }
}
