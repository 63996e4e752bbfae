import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload URLs handed to clients, remembered until their window has passed so the worker can delete
 * what was uploaded and never confirmed; a confirmation records the copy it kept (`kept_key`).
 */
export class InstructorIssuedUploads1764600000000 implements MigrationInterface {
  name = 'InstructorIssuedUploads1764600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table issued_upload (
        upload_key text primary key,
        instructor_id uuid not null references instructor_profile (id) on delete cascade,
        purpose text not null check (purpose in ('profile-photo', 'background-check')),
        requested_at timestamptz not null,
        expires_at timestamptz not null check (expires_at > requested_at),
        kept_key text unique,
        confirmed_at timestamptz,
        check ((kept_key is null) = (confirmed_at is null))
      )`);
    await runner.query(`create index issued_upload_expires_idx on issued_upload (expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table issued_upload`);
  }
}
