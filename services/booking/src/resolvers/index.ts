import type { Resolvers } from '../__generated__/resolvers-types';
import { Booking } from './Booking';
import { CreditEntry, CreditLot } from './Credits';
import { Mutation } from './Mutation';
import { Payout } from './Payout';
import { Query } from './Query';
import { MyReferrals, Referral } from './Referrals';

export const resolvers: Resolvers = { Query, Mutation, Booking, Payout, CreditLot, CreditEntry, MyReferrals, Referral };
