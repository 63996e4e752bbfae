import type { NewCreditLot } from './credits.ports';
import type { Referral, ReferralVoidReason } from './referrals.types';

/** A redemption as the repository writes it, with the referee's credit lot. */
export interface NewReferral {
  id: string;
  code: string;
  referrerId: string;
  refereeId: string;
  refereeCreditMinor: number;
  rewardMinor: number;
  currency: string;
  refereeLot: NewCreditLot;
}

export interface ReferralRepository {
  codeOf(studentId: string): Promise<string | null>;
  /** Records the student's code; CODE_TAKEN when another student has it (draw again); the code kept when two calls raced. */
  saveCode(studentId: string, code: string): Promise<string | 'CODE_TAKEN'>;
  ownerOfCode(code: string): Promise<string | null>;
  referralOfReferee(refereeId: string): Promise<Referral | null>;
  referralsOf(referrerId: string, limit: number): Promise<Referral[]>;
  /** Referrals of the referrer not voided (what the limit counts). */
  countActive(referrerId: string): Promise<number>;
  /** Whether the student ever booked a lesson (a new student has not). */
  hasBooked(studentId: string): Promise<boolean>;
  /**
   * One transaction: locks the referrer's code, refuses LIMIT when they have `maxActive` referrals
   * not voided, ALREADY when the referee redeemed one, NOT_NEW when they booked meanwhile; else
   * writes the referral PENDING, grants the referee's lot and appends `referral.redeemed`.
   */
  redeem(referral: NewReferral, maxActive: number, at: Date): Promise<Referral | 'LIMIT' | 'ALREADY' | 'NOT_NEW'>;
  /** QUALIFYING referrals whose reward is due at `now`. */
  due(now: Date, limit: number): Promise<Referral[]>;
  /** The card behind a booking's payment, and where the payment stands. */
  paymentOfBooking(bookingId: string): Promise<{ paymentMethodId: string | null; status: string } | null>;
  /** One transaction: the referral, still QUALIFYING, becomes REWARDED with the referrer's lot granted and `referral.rewarded` (exactly once: the status is the guard). */
  reward(referralId: string, lot: NewCreditLot, at: Date): Promise<Referral | null>;
  /** One transaction: the referral, still PENDING or QUALIFYING, becomes VOIDED with `referral.voided`. */
  void(referralId: string, reason: ReferralVoidReason, at: Date): Promise<Referral | null>;
}
