import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cancellation policy as data, versioned (DESIGN §5): each version's tiers of hours before the
 * start and the share charged when the student cancels. A booking records the version in force
 * when it was made (the column's default reads it, so every way of inserting a booking records
 * it), and a cancellation is charged by that version even after the policy changed.
 * An instructor's cancellation gives the student a goodwill credit, a share of the price. A payment may
 * be captured for less than it authorised (a late cancellation's share): what to capture, and the
 * platform fee prorated with it.
 */
export class BookingCancellationPolicy1765500000000 implements MigrationInterface {
  name = 'BookingCancellationPolicy1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table cancellation_policy (
        version integer primary key check (version >= 1),
        tiers jsonb not null check (jsonb_typeof(tiers) = 'array' and jsonb_array_length(tiers) between 1 and 20),
        goodwill_credit_bps integer not null default 0 check (goodwill_credit_bps between 0 and 10000),
        created_at timestamptz not null default now()
      )`);
    await runner.query(`
      insert into cancellation_policy (version, tiers, goodwill_credit_bps) values
        (1, '[{"minHoursBefore": 24, "chargeBps": 0}, {"minHoursBefore": 12, "chargeBps": 5000}, {"minHoursBefore": 0, "chargeBps": 10000}]', 1000)`);
    await runner.query(`
      create function current_cancellation_policy_version() returns integer language sql stable
        as 'select max(version) from cancellation_policy'`);
    await runner.query(`
      alter table booking add column cancellation_policy_version integer not null default current_cancellation_policy_version()
        references cancellation_policy (version)`);
    await runner.query(`alter table booking_payment add column capture_amount_minor integer check (capture_amount_minor >= 0),
      add column capture_fee_minor integer check (capture_fee_minor >= 0),
      add constraint booking_payment_capture_fee check (capture_fee_minor <= capture_amount_minor)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment drop constraint booking_payment_capture_fee, drop column capture_fee_minor, drop column capture_amount_minor`);
    await runner.query(`alter table booking drop column cancellation_policy_version`);
    await runner.query(`drop function current_cancellation_policy_version()`);
    await runner.query(`drop table cancellation_policy`);
  }
}
