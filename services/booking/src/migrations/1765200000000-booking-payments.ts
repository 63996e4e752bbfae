import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments for bookings (DESIGN §5): one Stripe customer per student, and one payment per booking
 * that moves SCHEDULED → AUTHORIZING → AUTHORIZED → CAPTURING → CAPTURED (or ACTION_REQUIRED,
 * VOIDING → VOIDED, FAILED). Stripe webhooks are remembered by event id so a redelivery is
 * recognised. Bookings made before payments keep payment_status NOT_STARTED and have no row here.
 */
export class BookingPayments1765200000000 implements MigrationInterface {
  name = 'BookingPayments1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table payment_customer (
        student_user_id text primary key,
        stripe_customer_id text not null unique,
        created_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table booking_payment (
        booking_id uuid primary key references booking (id),
        status text not null check (status in ('SCHEDULED', 'AUTHORIZING', 'ACTION_REQUIRED', 'AUTHORIZED', 'CAPTURING', 'CAPTURED', 'VOIDING', 'VOIDED', 'FAILED')),
        student_user_id text not null,
        stripe_customer_id text not null,
        payment_method_id text not null check (char_length(payment_method_id) <= 255),
        amount_minor integer not null check (amount_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        application_fee_minor integer not null check (application_fee_minor >= 0 and application_fee_minor <= amount_minor),
        destination_account text not null,
        authorize_at timestamptz not null,
        action_deadline timestamptz not null,
        -- the attempt the next or current authorisation call makes (its idempotency key carries it)
        attempt integer not null default 0 check (attempt >= 0),
        -- when the worker next sends this payment's command: a retry after a soft decline, or the
        -- lease of a call in flight (a worker dying mid-call leaves the command to be sent again)
        next_attempt_at timestamptz,
        payment_intent_id text unique,
        authorized_amount_minor integer check (authorized_amount_minor >= 0),
        captured_amount_minor integer check (captured_amount_minor >= 0),
        capture_before timestamptz,
        authorized_at timestamptz,
        captured_at timestamptz,
        voided_at timestamptz,
        failure_code text check (char_length(failure_code) <= 100),
        failure_message text check (char_length(failure_message) <= 500),
        action_type text check (action_type in ('AUTHENTICATE', 'NEW_PAYMENT_METHOD')),
        action_client_secret text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await runner.query(`create index booking_payment_due_idx on booking_payment (authorize_at) where status = 'SCHEDULED'`);
    await runner.query(`create index booking_payment_next_idx on booking_payment (next_attempt_at) where status in ('AUTHORIZING', 'CAPTURING', 'VOIDING')`);
    await runner.query(`create index booking_payment_deadline_idx on booking_payment (action_deadline) where status in ('AUTHORIZING', 'ACTION_REQUIRED')`);
    await runner.query(`create index booking_payment_student_idx on booking_payment (student_user_id)`);
    await runner.query(`
      create table stripe_webhook_event (
        event_id text primary key,
        type text not null,
        received_at timestamptz not null default now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table stripe_webhook_event`);
    await runner.query(`drop table booking_payment`);
    await runner.query(`drop table payment_customer`);
  }
}
