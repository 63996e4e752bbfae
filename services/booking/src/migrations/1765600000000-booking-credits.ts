import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform credits ledger (DESIGN §5): double-entry postings, never a balance column.
 * Credits come in lots (an amount with an expiry); every posting names its lot, so a student's
 * balance is the sum of their account's postings, lot by lot, and spending can take the
 * soonest-expiring lot first. The database guarantees the rest:
 *  - every statement's posting sets sum to zero (a statement trigger over the inserted rows);
 *  - no student or reservation account goes below zero in any lot: the row trigger takes a
 *    transaction lock on the account, then sums it — a concurrent spender waits for the first to
 *    commit and then sees its postings, so two bookings racing for the last credit cannot both
 *    take it, whatever the application read before;
 *  - postings are never updated or deleted.
 * Accounts: `student:<user>` (available credits), `reserved:<booking>` (held for a booking), and
 * the platform's `platform:grants` (where grants come from), `platform:spent`, `platform:expired`,
 * `platform:revoked`, which may go negative.
 */
export class BookingCredits1765600000000 implements MigrationInterface {
  name = 'BookingCredits1765600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table credit_lot (
        id uuid primary key,
        student_user_id text not null check (char_length(student_user_id) <= 200),
        amount_minor integer not null check (amount_minor > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        source text not null check (source in ('GRANT', 'GOODWILL', 'REFERRAL')),
        reason text check (char_length(reason) <= 500),
        granted_by text,
        expires_at timestamptz not null,
        created_at timestamptz not null default now()
      )`);
    await runner.query(`create index credit_lot_student_idx on credit_lot (student_user_id, expires_at)`);
    await runner.query(`
      create table credit_transaction (
        id uuid primary key,
        kind text not null check (kind in ('GRANT', 'REVOKE', 'RESERVE', 'RELEASE', 'SPEND', 'EXPIRE')),
        student_user_id text not null,
        booking_id uuid,
        reason text check (char_length(reason) <= 500),
        actor text,
        created_at timestamptz not null default now()
      )`);
    await runner.query(`create index credit_transaction_student_idx on credit_transaction (student_user_id, created_at desc, id desc)`);
    await runner.query(`
      create table credit_posting (
        id bigint generated always as identity primary key,
        transaction_id uuid not null references credit_transaction (id),
        account text not null check (account ~ '^(student|reserved|platform):.{1,200}$'),
        lot_id uuid not null references credit_lot (id),
        amount_minor integer not null check (amount_minor <> 0)
      )`);
    await runner.query(`create index credit_posting_account_idx on credit_posting (account, lot_id)`);
    await runner.query(`create index credit_posting_transaction_idx on credit_posting (transaction_id)`);
    await runner.query(`
      create function credit_postings_balance() returns trigger language plpgsql as $$
      declare unbalanced uuid;
      begin
        select transaction_id into unbalanced from new_postings group by transaction_id having sum(amount_minor) <> 0 limit 1;
        if unbalanced is not null then
          raise exception 'credit transaction % does not sum to zero', unbalanced using errcode = 'P0001', hint = 'CREDIT_UNBALANCED';
        end if;
        return null;
      end $$`);
    await runner.query(`
      create trigger credit_postings_balance after insert on credit_posting
        referencing new table as new_postings for each statement execute function credit_postings_balance()`);
    await runner.query(`
      create function credit_account_not_negative() returns trigger language plpgsql as $$
      begin
        if new.amount_minor < 0 and new.account !~ '^platform:' then
          perform pg_advisory_xact_lock(hashtextextended(new.account, 0));
          if (select sum(amount_minor) from credit_posting where account = new.account and lot_id = new.lot_id) < 0 then
            raise exception 'credit account % would go below zero', new.account using errcode = 'P0001', hint = 'CREDIT_BALANCE_NEGATIVE';
          end if;
        end if;
        return null;
      end $$`);
    await runner.query(`
      create trigger credit_account_not_negative after insert on credit_posting
        for each row execute function credit_account_not_negative()`);
    await runner.query(`
      create function credit_postings_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'credit postings are never changed' using errcode = 'P0001', hint = 'CREDIT_IMMUTABLE';
      end $$`);
    await runner.query(`
      create trigger credit_postings_immutable before update or delete on credit_posting
        for each row execute function credit_postings_immutable()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table credit_posting`);
    await runner.query(`drop function credit_postings_immutable()`);
    await runner.query(`drop function credit_account_not_negative()`);
    await runner.query(`drop function credit_postings_balance()`);
    await runner.query(`drop table credit_transaction`);
    await runner.query(`drop table credit_lot`);
  }
}
