import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds of charged bookings (DESIGN §5), whole or in part: each refund is a row, PENDING while
 * the payments worker asks Stripe (the card's part refunded with the instructor's transfer reversed
 * and the platform fee refunded in proportion; the part credits paid returned as a credit lot, the
 * platform's own transfer to the instructor reversed in proportion), then SUCCEEDED or FAILED.
 * While one is in flight the payment is REFUNDING; after it, PARTIALLY_REFUNDED or REFUNDED.
 * A credit lot may come from a refund (source REFUND).
 *
 * The cancellation policy gains `credit_instead_bps`: when set, a student cancelling may take the
 * amount the cancellation would give back to their card as platform credits instead, at that rate
 * (11000 = 110 %); version 1 offers it at 110 %. The payment records the credit to grant when its
 * capture (which then also takes that amount, kept by the platform) succeeds: credit_instead_minor.
 */
export class BookingRefunds1765800000000 implements MigrationInterface {
  name = 'BookingRefunds1765800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment drop constraint booking_payment_status_check,
      add constraint booking_payment_status_check check (status in ('SCHEDULED', 'AUTHORIZING', 'ACTION_REQUIRED', 'AUTHORIZED', 'CAPTURING', 'CAPTURED',
        'VOIDING', 'VOIDED', 'FAILED', 'REFUNDING', 'PARTIALLY_REFUNDED', 'REFUNDED')),
      add column refunded_minor integer not null default 0 check (refunded_minor >= 0),
      add column refunded_credit_minor integer not null default 0 check (refunded_credit_minor >= 0),
      add column platform_transfer_reversed_minor integer not null default 0 check (platform_transfer_reversed_minor >= 0),
      add column credit_instead_minor integer not null default 0 check (credit_instead_minor >= 0)`);
    await runner.query(`drop index booking_payment_next_idx`);
    await runner.query(`create index booking_payment_next_idx on booking_payment (next_attempt_at) where status in ('AUTHORIZING', 'CAPTURING', 'VOIDING', 'REFUNDING')`);
    await runner.query(`
      create table booking_refund (
        id uuid primary key,
        booking_id uuid not null references booking (id),
        status text not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
        card_minor integer not null check (card_minor >= 0),
        credit_minor integer not null check (credit_minor >= 0),
        transfer_reversal_minor integer not null check (transfer_reversal_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        reason text not null check (char_length(reason) between 1 and 500),
        requested_by text not null,
        stripe_refund_id text,
        stripe_transfer_reversal_id text,
        credit_lot_id uuid,
        failure_code text check (char_length(failure_code) <= 100),
        failure_message text check (char_length(failure_message) <= 500),
        created_at timestamptz not null default now(),
        settled_at timestamptz,
        check (card_minor + credit_minor > 0)
      )`);
    await runner.query(`create index booking_refund_booking_idx on booking_refund (booking_id, created_at)`);
    // At most one refund in flight per booking.
    await runner.query(`create unique index booking_refund_pending_idx on booking_refund (booking_id) where status = 'PENDING'`);
    await runner.query(`alter table credit_lot drop constraint credit_lot_source_check,
      add constraint credit_lot_source_check check (source in ('GRANT', 'GOODWILL', 'REFERRAL', 'REFUND'))`);
    await runner.query(`alter table cancellation_policy add column credit_instead_bps integer check (credit_instead_bps between 10000 and 20000)`);
    await runner.query(`update cancellation_policy set credit_instead_bps = 11000 where version = 1`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table cancellation_policy drop column credit_instead_bps`);
    await runner.query(`alter table credit_lot drop constraint credit_lot_source_check,
      add constraint credit_lot_source_check check (source in ('GRANT', 'GOODWILL', 'REFERRAL'))`);
    await runner.query(`drop table booking_refund`);
    await runner.query(`drop index booking_payment_next_idx`);
    await runner.query(`create index booking_payment_next_idx on booking_payment (next_attempt_at) where status in ('AUTHORIZING', 'CAPTURING', 'VOIDING')`);
    await runner.query(`alter table booking_payment drop column credit_instead_minor, drop column platform_transfer_reversed_minor,
      drop column refunded_credit_minor, drop column refunded_minor, drop constraint booking_payment_status_check,
      add constraint booking_payment_status_check check (status in ('SCHEDULED', 'AUTHORIZING', 'ACTION_REQUIRED', 'AUTHORIZED', 'CAPTURING', 'CAPTURED', 'VOIDING', 'VOIDED', 'FAILED'))`);
  }
}
