import { createEventTablesV1, dropEventTablesV1 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BookingInitial1763900000000 implements MigrationInterface {
  name = 'BookingInitial1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table booking (
        id uuid primary key default gen_random_uuid(),
        status text not null check (status in ('REQUESTED', 'CONFIRMED', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
        instructor_id uuid not null,
        instructor_user_id text not null,
        student_user_id text not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null check (ends_at > starts_at),
        created_at timestamptz not null default now()
      )`);
    await runner.query(`create index booking_student_idx on booking (student_user_id, starts_at)`);
    await runner.query(`create index booking_instructor_idx on booking (instructor_id, starts_at)`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table booking`);
  }
}
