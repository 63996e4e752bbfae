import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What instructor search reads: the public profile the instructor events carry (bio, experience,
 * area, photo) with full-text documents over the name and the bio, a trigram index for misspelt
 * names, and the rest of each offered service's terms.
 */
export class CatalogInstructorSearch1764300000000 implements MigrationInterface {
  name = 'CatalogInstructorSearch1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      alter table instructor_listing
        add column bio text,
        add column years_of_experience integer,
        add column has_photo boolean not null default false,
        add column city text,
        add column state text,
        add column postal_code text,
        add column name_document tsvector generated always as (to_tsvector('simple'::regconfig, display_name)) stored,
        add column bio_document tsvector generated always as (to_tsvector('english'::regconfig, coalesce(bio, ''))) stored`);
    await runner.query(`create index instructor_listing_name_document_idx on instructor_listing using gin (name_document)`);
    await runner.query(`create index instructor_listing_bio_document_idx on instructor_listing using gin (bio_document)`);
    await runner.query(`create index instructor_listing_name_trgm_idx on instructor_listing using gin (display_name gin_trgm_ops)`);
    await runner.query(`
      alter table offered_service
        add column durations_minutes integer[] not null default '{}',
        add column levels text[] not null default '{}',
        add column travel_radius_miles integer`);
    await runner.query(`create index offered_service_lesson_modes_idx on offered_service using gin (lesson_modes)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop index offered_service_lesson_modes_idx`);
    await runner.query(`alter table offered_service drop column durations_minutes, drop column levels, drop column travel_radius_miles`);
    await runner.query(`drop index instructor_listing_name_trgm_idx`);
    await runner.query(`drop index instructor_listing_bio_document_idx`);
    await runner.query(`drop index instructor_listing_name_document_idx`);
    await runner.query(`
      alter table instructor_listing drop column name_document, drop column bio_document, drop column bio, drop column years_of_experience,
        drop column has_photo, drop column city, drop column state, drop column postal_code`);
  }
}
