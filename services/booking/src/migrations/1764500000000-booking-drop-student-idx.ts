import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * booking_student_idx (student, start) is a prefix of booking_student_page_idx (student, start,
 * id), which serves every query it served: keeping both cost each booking write one more index
 * entry for nothing.
 */
export class BookingDropStudentIdx1764500000000 implements MigrationInterface {
  name = 'BookingDropStudentIdx1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`drop index if exists booking_student_idx`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`create index if not exists booking_student_idx on booking (student_user_id, starts_at)`);
  }
}
