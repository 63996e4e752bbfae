import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Referrals (DESIGN §5). Each student has one code. A new student redeems one code, once (the
 * referee is unique): they receive a credit lot for their first lesson, and the referrer a reward
 * that stays PENDING until the referee's first lesson is completed and charged (QUALIFYING, with
 * the dispute window's end as reward_due_at), then REWARDED by a job that grants the referrer's
 * lot — or VOIDED (the first lesson refunded, the same card behind both accounts). The code row is
 * locked while a redemption counts the referrer's rewards, so racing redemptions cannot pass the
 * limit.
 */
export class BookingReferrals1765900000000 implements MigrationInterface {
  name = 'BookingReferrals1765900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table referral_code (
        student_user_id text primary key check (char_length(student_user_id) between 1 and 200),
        code text not null unique check (code ~ '^[A-Z2-9]{8}$'),
        created_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table referral (
        id uuid primary key,
        code text not null references referral_code (code),
        referrer_user_id text not null,
        referee_user_id text not null unique,
        status text not null check (status in ('PENDING', 'QUALIFYING', 'REWARDED', 'VOIDED')),
        referee_credit_minor integer not null check (referee_credit_minor >= 0),
        reward_minor integer not null check (reward_minor >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        first_booking_id uuid references booking (id),
        reward_due_at timestamptz,
        rewarded_at timestamptz,
        void_reason text check (char_length(void_reason) <= 100),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (referrer_user_id <> referee_user_id),
        check ((status = 'QUALIFYING') <= (reward_due_at is not null))
      )`);
    await runner.query(`create index referral_referrer_idx on referral (referrer_user_id, created_at desc, id desc)`);
    await runner.query(`create index referral_due_idx on referral (reward_due_at) where status = 'QUALIFYING'`);
    await runner.query(`create index referral_first_booking_idx on referral (first_booking_id) where first_booking_id is not null`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table referral`);
    await runner.query(`drop table referral_code`);
  }
}
