import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload requests per instructor per clock hour: an abuse limit on the one write that hands out
 * storage. The count is taken by a conditional upsert, so concurrent requests never exceed it.
 */
export class InstructorUploadRequestWindows1764700000000 implements MigrationInterface {
  name = 'InstructorUploadRequestWindows1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table upload_request_window (
        instructor_id uuid not null references instructor_profile (id) on delete cascade,
        window_start timestamptz not null,
        requests integer not null check (requests > 0),
        primary key (instructor_id, window_start)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table upload_request_window`);
  }
}
