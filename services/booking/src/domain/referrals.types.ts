/**
 * A referral's life: PENDING once redeemed (the referee has their credit; the referrer's reward
 * waits for the referee's first lesson), QUALIFYING once that lesson is completed and charged (the
 * reward is due when the dispute window ends), REWARDED when the referrer's lot was granted, or
 * VOIDED (the first lesson refunded, the same card behind both accounts).
 */
export type ReferralStatus = 'PENDING' | 'QUALIFYING' | 'REWARDED' | 'VOIDED';

/** Why a referral's reward was voided. */
export type ReferralVoidReason = 'FIRST_LESSON_REFUNDED' | 'SAME_CARD';

export interface Referral {
  id: string;
  code: string;
  referrerId: string;
  refereeId: string;
  status: ReferralStatus;
  refereeCreditMinor: number;
  rewardMinor: number;
  currency: string;
  firstBookingId: string | null;
  rewardDueAt: Date | null;
  rewardedAt: Date | null;
  voidReason: ReferralVoidReason | null;
  createdAt: Date;
}

/** Referral settings (see booking.config.ts for the variables that set them). */
export interface ReferralTerms {
  /** The referee's credit for their first lesson. */
  refereeCreditMinor: number;
  /** The referrer's reward. */
  rewardMinor: number;
  /** Referrals (not voided) one referrer may have. */
  maxRewardsPerReferrer: number;
  /** How long after the first lesson's charge the reward waits (chargebacks and refunds come first). */
  disputeWindowHours: number;
  /** How long referral credit lots last. */
  creditExpiryDays: number;
  currency: string;
}

export const DEFAULT_REFERRAL_TERMS: ReferralTerms = {
  refereeCreditMinor: 2000,
  rewardMinor: 2000,
  maxRewardsPerReferrer: 10,
  disputeWindowHours: 72,
  creditExpiryDays: 90,
  currency: 'USD',
};

/** Codes: 8 characters without look-alikes (no 0/O, 1/I/L). */
export const REFERRAL_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const REFERRAL_CODE = /^[A-Z2-9]{8}$/;
