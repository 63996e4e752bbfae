import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Booking's read model of instructors' Stripe Connect accounts, for destination charges and
 * payouts (DESIGN §5): one row per instructor, kept from the instructor service's private
 * `instructor.payout-account-updated` events (topic `instructor.private.payout-accounts`, consumed
 * by booking only). `revision` is the payout account's own revision: a row is replaced only by the
 * same or a newer one, so redelivered and late events leave the newest state.
 */
export class BookingPayoutAccounts1765100000000 implements MigrationInterface {
  name = 'BookingPayoutAccounts1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table instructor_payout_account (
        instructor_id uuid primary key,
        stripe_account_id text check (char_length(stripe_account_id) <= 255),
        charges_enabled boolean not null,
        payouts_enabled boolean not null,
        details_submitted boolean not null,
        -- the payout account's revision at the instructor service (the guard), and when it changed there
        revision bigint not null check (revision >= 0),
        source_changed_at timestamptz not null,
        updated_at timestamptz not null default now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table instructor_payout_account`);
  }
}
