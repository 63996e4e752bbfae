import { ReferralEventType, type EventPayload, type NewEvent, type ReferralEventTypeName } from '@instainstru/events';
import type { Referral } from './referrals.types';

export { ReferralEventType };

/** A referral's whole state after a change (`referral.redeemed`, `qualified`, `rewarded`, `voided`). */
export function referralFact(type: ReferralEventTypeName, referral: Referral, at: Date): NewEvent<EventPayload<'referral.redeemed'>> {
  return {
    type,
    aggregateId: referral.id,
    occurredAt: at,
    payload: {
      referralId: referral.id,
      referrerUserId: referral.referrerId,
      refereeUserId: referral.refereeId,
      status: referral.status,
      firstBookingId: referral.firstBookingId,
      refereeCreditMinor: referral.refereeCreditMinor,
      rewardMinor: referral.rewardMinor,
      currency: referral.currency,
      rewardDueAt: referral.rewardDueAt?.toISOString() ?? null,
      voidReason: referral.voidReason,
      occurredAt: at.toISOString(),
    },
  };
}
