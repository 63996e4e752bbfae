import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog's read model of reviews, kept from the reviews service's events for ranking: the
 * newest state of each review (only what rating needs), each instructor's aggregate of visible
 * reviews, and the platform's totals whose quotient is the prior every rating starts from. The
 * aggregates and the totals change in the transaction that stores a review's newer version.
 */
export class CatalogInstructorRatings1764500000000 implements MigrationInterface {
  name = 'CatalogInstructorRatings1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table review_rating (
        review_id uuid primary key,
        instructor_id uuid not null,
        service_id uuid not null,
        rating smallint not null check (rating between 1 and 5),
        visible boolean not null,
        version integer not null check (version >= 1),
        updated_at timestamptz not null default now()
      )`);
    // No reference to instructor_listing: review events may arrive before the instructor's first event.
    await runner.query(`
      create table instructor_rating (
        instructor_id uuid primary key,
        review_count integer not null check (review_count >= 0),
        rating_sum integer not null check (rating_sum between review_count and 5 * review_count),
        updated_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table rating_totals (
        only_row boolean primary key default true check (only_row),
        review_count bigint not null default 0 check (review_count >= 0),
        rating_sum bigint not null default 0 check (rating_sum between review_count and 5 * review_count)
      )`);
    await runner.query(`insert into rating_totals default values`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table rating_totals`);
    await runner.query(`drop table instructor_rating`);
    await runner.query(`drop table review_rating`);
  }
}
