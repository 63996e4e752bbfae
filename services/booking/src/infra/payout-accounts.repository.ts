import { isUuid, storeLatestRevision, type RevisionedTable, type Sql } from '@instainstru/platform';
import type { InstructorPayoutAccount, PayoutAccountDirectory, PayoutAccountState, PayoutAccountsUnitOfWork } from '../domain/payout-accounts.ports';

/**
 * Booking's view of instructors' Stripe Connect accounts, kept from the private
 * instructor.payout-account-updated events (one row per instructor, guarded by the payout account's
 * revision: an older revision changes nothing, the same one stores the same state again).
 */
const INSTRUCTOR_PAYOUT_ACCOUNT: RevisionedTable = { name: 'instructor_payout_account', idColumn: 'instructor_id', revisionColumn: 'revision', updatedAtColumn: 'updated_at' };

/** Writes the read model inside the consumer's transaction (`tx` also records the inbox row). */
export class PostgresPayoutAccountsUnitOfWork implements PayoutAccountsUnitOfWork {
  constructor(private readonly tx: Sql) {}

  applyIfNewer(state: PayoutAccountState): Promise<boolean> {
    return storeLatestRevision(this.tx, INSTRUCTOR_PAYOUT_ACCOUNT, {
      id: state.instructorId,
      revision: state.revision,
      columns: {
        stripe_account_id: state.stripeAccountId,
        charges_enabled: state.chargesEnabled,
        payouts_enabled: state.payoutsEnabled,
        details_submitted: state.detailsSubmitted,
        source_changed_at: state.occurredAt,
      },
    });
  }
}

const FIND = `select stripe_account_id, charges_enabled, payouts_enabled from instructor_payout_account where instructor_id = $1`;

/** Reads the read model (the payments flow asks it for a booking's destination account). */
export class PostgresPayoutAccountDirectory implements PayoutAccountDirectory {
  constructor(private readonly db: Sql) {}

  async find(instructorId: string): Promise<InstructorPayoutAccount | null> {
    if (!isUuid(instructorId)) return null;
    const [row] = await this.db.query<{ stripe_account_id: string | null; charges_enabled: boolean; payouts_enabled: boolean }>(FIND, [instructorId], { prepare: true });
    return row ? { stripeAccountId: row.stripe_account_id, chargesEnabled: row.charges_enabled, payoutsEnabled: row.payouts_enabled } : null;
  }
}
