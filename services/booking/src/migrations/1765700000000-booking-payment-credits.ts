import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credits paying for bookings (DESIGN §5). A booking may apply platform credits (reserved on the
 * ledger with the booking): the card is authorised for the rest (amount_minor), and a lesson the
 * credits cover wholly has no card at all. The platform fee stays a share of the whole price
 * (platform_fee_minor); the card's application fee is what is left of it once the credits are
 * counted, and when the credits exceed the fee the platform pays the instructor the difference by
 * a transfer from its own balance (platform_transfer_id), so the instructor always receives the
 * price less the fee.
 */
export class BookingPaymentCredits1765700000000 implements MigrationInterface {
  name = 'BookingPaymentCredits1765700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment
      add column credit_minor integer not null default 0 check (credit_minor >= 0),
      add column platform_fee_minor integer,
      add column platform_transfer_id text,
      alter column stripe_customer_id drop not null,
      alter column payment_method_id drop not null`);
    await runner.query(`update booking_payment set platform_fee_minor = application_fee_minor`);
    await runner.query(`alter table booking_payment alter column platform_fee_minor set not null,
      add constraint booking_payment_platform_fee check (platform_fee_minor >= 0 and platform_fee_minor <= amount_minor + credit_minor),
      add constraint booking_payment_card check (amount_minor = 0 or (stripe_customer_id is not null and payment_method_id is not null))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table booking_payment drop constraint booking_payment_card, drop constraint booking_payment_platform_fee,
      drop column platform_transfer_id, drop column platform_fee_minor, drop column credit_minor,
      alter column stripe_customer_id set not null, alter column payment_method_id set not null`);
  }
}
