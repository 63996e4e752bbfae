import { instructorPrivateEvents } from './instructor.events';
import type { InstructorUnitOfWork } from './instructor.ports';
import type { InstructorProfile, PayoutAccount } from './instructor.types';
import { changePayoutAccount } from './payout-account.rules';

/**
 * Saves `profile`, whose payout account may have changed from `previous`, in the caller's
 * transaction. When the Connect state (account id, capabilities) changed, the account takes its
 * next revision and `instructor.payout-account-updated` is appended to the outbox in that same
 * transaction, so booking learns of every change exactly when it commits. Every write of the
 * payout account goes through here. Answers the profile as saved.
 */
export async function saveWithPayoutAccount(uow: InstructorUnitOfWork, profile: InstructorProfile, previous: PayoutAccount, now: Date): Promise<InstructorProfile> {
  const { account, changed } = changePayoutAccount(previous, profile.payoutAccount, now);
  const saved: InstructorProfile = { ...profile, payoutAccount: account };
  await uow.saveProfile(saved);
  if (changed) await uow.publish(instructorPrivateEvents.payoutAccountUpdated(saved));
  return saved;
}
