import { createEventTablesV1, dropEventTablesV1 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AvailabilityInitial1763900000000 implements MigrationInterface {
  name = 'AvailabilityInitial1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table availability_week (
        instructor_id uuid not null,
        week_start date not null check (extract(isodow from week_start) = 1),
        timezone text not null,
        slots jsonb not null default '[]',
        version text not null,
        updated_at timestamptz not null default now(),
        primary key (instructor_id, week_start)
      )`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table availability_week`);
  }
}
