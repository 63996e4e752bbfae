import { isUuid } from '@instainstru/platform';
import { instructorEvents } from './instructor.events';
import type { InstructorDomainDeps, InstructorUnitOfWork, PaymentProviderNotification } from './instructor.ports';
import type { InstructorProfile } from './instructor.types';
import { saveWithPayoutAccount } from './payout-account.service';
import { decideAccountUpdate, decideIdentityUpdate, type AccountNotification, type IdentityNotification } from './provider-updates.rules';

export type NotificationOutcome = 'applied' | 'duplicate' | 'stale' | 'ignored';

/**
 * Applies verified Stripe notifications (identity sessions, Connect accounts). Each event id is
 * recorded in the same transaction as its effect, so a redelivery changes nothing; an event older
 * than the state it would overwrite is recorded as stale and changes nothing either.
 */
export class ProviderNotifications {
  constructor(private readonly deps: Pick<InstructorDomainDeps, 'repository' | 'now'>) {}

  apply(notification: PaymentProviderNotification): Promise<NotificationOutcome> {
    return this.deps.repository.transaction(async (uow) => {
      if (!(await uow.recordWebhookEvent(notification.eventId, notification.type, notification.createdAt))) return 'duplicate';
      const outcome =
        notification.kind === 'identity-session'
          ? await this.applyIdentity(uow, notification)
          : notification.kind === 'connect-account'
            ? await this.applyAccount(uow, notification)
            : 'ignored';
      await uow.setWebhookOutcome(notification.eventId, outcome);
      return outcome;
    });
  }

  private async applyIdentity(uow: InstructorUnitOfWork, update: IdentityNotification): Promise<NotificationOutcome> {
    const profile =
      (update.instructorId && isUuid(update.instructorId) ? await uow.lockProfile(update.instructorId) : null) ??
      (await uow.lockProfileByIdentitySession(update.sessionId));
    if (!profile) return 'ignored';
    const decision = decideIdentityUpdate(profile.identity, update);
    if (decision.outcome !== 'applied') return decision.outcome;
    await uow.saveProfile({ ...profile, identity: decision.next });
    return 'applied';
  }

  /** Charges withdrawn from a live instructor's account take them offline: live means payable. */
  private async applyAccount(uow: InstructorUnitOfWork, update: AccountNotification): Promise<NotificationOutcome> {
    const profile =
      (await uow.lockProfileByStripeAccount(update.accountId)) ??
      (update.instructorId && isUuid(update.instructorId) ? await uow.lockProfile(update.instructorId) : null);
    if (!profile) return 'ignored';
    const decision = decideAccountUpdate(profile.payoutAccount, update);
    if (decision.outcome !== 'applied') return decision.outcome;
    const next: InstructorProfile = { ...profile, payoutAccount: decision.next };
    const goesOffline = profile.isLive && !decision.next.chargesEnabled;
    // The Connect state goes to booking (private channel) whenever it changed; going offline is public.
    const saved = await saveWithPayoutAccount(uow, goesOffline ? { ...next, isLive: false, revision: next.revision + 1 } : next, profile.payoutAccount, this.deps.now());
    if (goesOffline) await uow.publish(instructorEvents.wentOffline(saved, await uow.offeredServicesOf(profile.id), 'CONNECT_CHARGES_DISABLED'));
    return 'applied';
  }
}
