import { InstructorPrivateEventType } from '@instainstru/events';
import { readModelWorker, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { PayoutAccountState } from '../domain/payout-accounts.ports';
import { PostgresPayoutAccountsUnitOfWork } from '../infra/payout-accounts.repository';

/** The consumer group, without the environment's topic prefix. */
export const PAYOUT_ACCOUNTS_GROUP = 'booking.payout-accounts';

/** The consumer group, per topic prefix. */
export const payoutAccountsGroup = (prefix: string) => `${prefix}${PAYOUT_ACCOUNTS_GROUP}`;

/**
 * Keeps booking's read model of instructors' Stripe Connect accounts (instructor_payout_account)
 * from the instructor service's private channel (`<prefix>instructor.private.payout-accounts`,
 * which no other service reads); a worker. Inbox, bounded retries and dead letters as every
 * consumer; the payout account's revision guards the row.
 */
export function payoutAccountsWorker(deps: ServiceDeps): Worker {
  return readModelWorker<PayoutAccountState>(deps, {
    name: 'payout-accounts',
    group: PAYOUT_ACCOUNTS_GROUP,
    stateEvents: [InstructorPrivateEventType.PayoutAccountUpdated],
    apply: (tx, state) => new PostgresPayoutAccountsUnitOfWork(tx).applyIfNewer(state),
  });
}
