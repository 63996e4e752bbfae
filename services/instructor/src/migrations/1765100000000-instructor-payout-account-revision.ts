import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payout account's own revision and change time, carried by the private
 * `instructor.payout-account-updated` events (topic `instructor.private.payout-accounts`, booking
 * only) so booking keeps the newest Connect state whatever order they arrive in. It is separate
 * from `revision`, which orders the public instructor events: Connect changes are not public
 * changes. Instructors that already have an account start at revision 1, the others at 0.
 */
export class InstructorPayoutAccountRevision1765100000000 implements MigrationInterface {
  name = 'InstructorPayoutAccountRevision1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      alter table instructor_profile
        add column payout_account_revision bigint not null default 0 check (payout_account_revision >= 0),
        add column payout_account_changed_at timestamptz not null default now()`);
    await runner.query(`
      update instructor_profile
         set payout_account_revision = case when stripe_account_id is null then 0 else 1 end,
             payout_account_changed_at = case when stripe_account_id is null then created_at else coalesce(connect_event_at, updated_at) end`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table instructor_profile drop column payout_account_changed_at, drop column payout_account_revision`);
  }
}
