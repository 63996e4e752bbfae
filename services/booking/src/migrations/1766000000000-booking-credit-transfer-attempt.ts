import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's transfer of a booking's credits to the instructor is made under an idempotency
 * key per attempt: Stripe keeps a refused call's answer under its key (a transfer refused for a
 * short balance would be refused again under the same key for a day), so a refusal, once recorded,
 * moves the next try to a fresh key — while a call whose answer was lost is repeated under the same
 * key and cannot transfer twice.
 */
export class BookingCreditTransferAttempt1766000000000 implements MigrationInterface {
  name = 'BookingCreditTransferAttempt1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment add column credit_transfer_attempt integer not null default 0 check (credit_transfer_attempt >= 0)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment drop column credit_transfer_attempt`);
  }
}
