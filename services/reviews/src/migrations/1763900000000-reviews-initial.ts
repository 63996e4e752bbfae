import { createEventTablesV1, dropEventTablesV1 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReviewsInitial1763900000000 implements MigrationInterface {
  name = 'ReviewsInitial1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table review (
        id uuid primary key default gen_random_uuid(),
        booking_id uuid not null unique,
        instructor_id uuid not null,
        student_user_id text not null,
        rating smallint not null check (rating between 1 and 5),
        text text check (length(text) <= 5000),
        created_at timestamptz not null default now()
      )`);
    await runner.query(`create index review_instructor_idx on review (instructor_id, created_at desc)`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table review`);
  }
}
