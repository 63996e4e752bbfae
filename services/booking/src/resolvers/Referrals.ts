import type { MyReferralsResolvers, ReferralResolvers } from '../__generated__/resolvers-types';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const MyReferrals: MyReferralsResolvers = {
  referrals: (mine, { first }, { referrals }) => referrals.referralsOf(mine.studentId, first),
};

export const Referral: ReferralResolvers = {
  redeemedAt: (referral) => referral.createdAt.toISOString(),
  rewardDueAt: (referral) => iso(referral.rewardDueAt),
  rewardedAt: (referral) => iso(referral.rewardedAt),
};
