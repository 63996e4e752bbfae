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
        bio text,
        timezone text not null,
        is_live boolean not null default false,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table instructor_profile`);
  }
}
