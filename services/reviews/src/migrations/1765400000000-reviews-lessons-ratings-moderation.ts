import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reviews for real (DESIGN §7): booking's lessons as booking's events tell them (who may review
 * what), the review's full state (visibility, response, version), the instructors' rating
 * aggregates kept in the transaction of every change (overall under the nil service id, and per
 * service) with the platform's totals, and reports and moderation decisions.
 */
export class ReviewsLessonsRatingsModeration1765400000000 implements MigrationInterface {
  name = 'ReviewsLessonsRatingsModeration1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table lesson (
        booking_id uuid primary key,
        student_user_id text not null check (char_length(student_user_id) <= 200),
        instructor_id uuid not null,
        instructor_user_id text not null check (char_length(instructor_user_id) <= 200),
        service_id uuid not null,
        status text not null check (status in ('CONFIRMED', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
        starts_at timestamptz not null,
        completed_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await runner.query(`create index lesson_reviewable_idx on lesson (student_user_id, completed_at desc) where status = 'COMPLETED'`);

    // No use case wrote reviews before this migration: the table is empty, so the new columns can be required at once.
    await runner.query(`
      alter table review
        add column instructor_user_id text,
        add column service_id uuid,
        add column student_name text not null default 'Student' check (char_length(student_name) <= 60),
        add column visible boolean not null default true,
        add column response_text text check (char_length(response_text) <= 2000),
        add column responded_at timestamptz,
        add column version integer not null default 1 check (version >= 1),
        add column updated_at timestamptz not null default now(),
        add column edited_at timestamptz,
        add column moderated_at timestamptz,
        add constraint review_text_length check (char_length(text) <= 2000),
        add constraint review_response check ((response_text is null) = (responded_at is null))`);
    await runner.query(`alter table review alter column instructor_user_id set not null, alter column service_id set not null`);
    await runner.query(`drop index review_instructor_idx`);
    await runner.query(`create index review_instructor_page_idx on review (instructor_id, created_at desc, id desc) where visible`);
    await runner.query(`create index review_instructor_service_page_idx on review (instructor_id, service_id, created_at desc, id desc) where visible`);

    await runner.query(`
      create table rating_aggregate (
        instructor_id uuid not null,
        service_id uuid not null,
        review_count integer not null default 0 check (review_count >= 0),
        rating_sum integer not null default 0 check (rating_sum >= 0),
        stars_1 integer not null default 0 check (stars_1 >= 0),
        stars_2 integer not null default 0 check (stars_2 >= 0),
        stars_3 integer not null default 0 check (stars_3 >= 0),
        stars_4 integer not null default 0 check (stars_4 >= 0),
        stars_5 integer not null default 0 check (stars_5 >= 0),
        primary key (instructor_id, service_id),
        check (review_count = stars_1 + stars_2 + stars_3 + stars_4 + stars_5),
        check (rating_sum = stars_1 + 2 * stars_2 + 3 * stars_3 + 4 * stars_4 + 5 * stars_5)
      )`);
    await runner.query(`
      create table rating_totals (
        id boolean primary key default true check (id),
        review_count integer not null default 0 check (review_count >= 0),
        rating_sum integer not null default 0 check (rating_sum >= 0)
      )`);
    await runner.query(`insert into rating_totals (id) values (true)`);

    await runner.query(`
      create table review_report (
        review_id uuid not null references review (id),
        reporter_user_id text not null check (char_length(reporter_user_id) <= 200),
        reason text not null check (char_length(reason) between 1 and 500),
        reported_at timestamptz not null,
        primary key (review_id, reporter_user_id)
      )`);
    await runner.query(`create index review_report_open_idx on review_report (reported_at)`);
    await runner.query(`
      create table review_moderation (
        id bigint generated always as identity primary key,
        review_id uuid not null references review (id),
        action text not null check (action in ('HIDE', 'RESTORE')),
        reason text not null check (char_length(reason) between 1 and 500),
        admin_user_id text not null,
        decided_at timestamptz not null
      )`);
    await runner.query(`create index review_moderation_review_idx on review_moderation (review_id, decided_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table review_moderation`);
    await runner.query(`drop table review_report`);
    await runner.query(`drop table rating_totals`);
    await runner.query(`drop table rating_aggregate`);
    await runner.query(`drop index review_instructor_service_page_idx`);
    await runner.query(`drop index review_instructor_page_idx`);
    await runner.query(`create index review_instructor_idx on review (instructor_id, created_at desc)`);
    await runner.query(`
      alter table review drop constraint review_response, drop constraint review_text_length,
        drop column moderated_at, drop column edited_at, drop column updated_at, drop column version, drop column responded_at,
        drop column response_text, drop column visible, drop column student_name, drop column service_id, drop column instructor_user_id`);
    await runner.query(`drop table lesson`);
  }
}
