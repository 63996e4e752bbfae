import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Instructors' payouts (DESIGN §5): instant payouts they ask for, and Stripe's automatic standard
 * payouts as Stripe's webhooks report them. One request in flight per instructor (a partial unique
 * index), so two racing requests cannot both take the same balance; the instructor's idempotency
 * key is unique per instructor.
 */
export class BookingPayouts1765300000000 implements MigrationInterface {
  name = 'BookingPayouts1765300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table instructor_payout (
        id uuid primary key,
        instructor_id uuid not null,
        stripe_account_id text not null check (char_length(stripe_account_id) <= 255),
        stripe_payout_id text unique check (char_length(stripe_payout_id) <= 255),
        method text not null check (method in ('INSTANT', 'STANDARD')),
        status text not null check (status in ('REQUESTED', 'PENDING', 'IN_TRANSIT', 'PAID', 'FAILED', 'CANCELED')),
        amount_minor bigint not null check (amount_minor > 0),
        fee_minor bigint not null check (fee_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        idempotency_key text check (char_length(idempotency_key) <= 100),
        arrival_at timestamptz,
        failure_code text check (char_length(failure_code) <= 100),
        failure_message text check (char_length(failure_message) <= 500),
        requested_at timestamptz not null,
        paid_at timestamptz,
        failed_at timestamptz,
        version integer not null default 1,
        updated_at timestamptz not null default now(),
        check (status = 'REQUESTED' or stripe_payout_id is not null or status = 'FAILED')
      )`);
    await runner.query(`create index instructor_payout_page_idx on instructor_payout (instructor_id, requested_at desc, id desc)`);
    await runner.query(`create unique index instructor_payout_key_idx on instructor_payout (instructor_id, idempotency_key) where idempotency_key is not null`);
    await runner.query(`create unique index instructor_payout_in_flight_idx on instructor_payout (instructor_id) where status = 'REQUESTED'`);
    await runner.query(`create index instructor_payout_open_idx on instructor_payout (updated_at) where status in ('REQUESTED', 'PENDING', 'IN_TRANSIT')`);
    await runner.query(`create index instructor_payout_account_idx on instructor_payout_account (stripe_account_id)`);
    await runner.query(`create index if not exists instructor_offering_user_idx on instructor_offering (user_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop index if exists instructor_offering_user_idx`);
    await runner.query(`drop index instructor_payout_account_idx`);
    await runner.query(`drop table instructor_payout`);
  }
}
