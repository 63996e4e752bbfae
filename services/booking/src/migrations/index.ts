import { BookingInitial1763900000000 } from './1763900000000-booking-initial';
import { BookingCalendar1764200000000 } from './1764200000000-booking-calendar';
import { BookingOutboxEnvelopeText1764400000000 } from './1764400000000-booking-outbox-envelope-text';
import { BookingDropStudentIdx1764500000000 } from './1764500000000-booking-drop-student-idx';
import { BookingPayoutAccounts1765100000000 } from './1765100000000-booking-payout-accounts';
import { BookingPayments1765200000000 } from './1765200000000-booking-payments';
import { BookingPayouts1765300000000 } from './1765300000000-booking-payouts';
import { BookingCancellationPolicy1765500000000 } from './1765500000000-booking-cancellation-policy';
import { BookingCredits1765600000000 } from './1765600000000-booking-credits';
import { BookingPaymentCredits1765700000000 } from './1765700000000-booking-payment-credits';
import { BookingRefunds1765800000000 } from './1765800000000-booking-refunds';
import { BookingReferrals1765900000000 } from './1765900000000-booking-referrals';
import { BookingCreditTransferAttempt1766000000000 } from './1766000000000-booking-credit-transfer-attempt';

/** Every booking migration, oldest first. */
export const migrations = [
  BookingInitial1763900000000,
  BookingCalendar1764200000000,
  BookingOutboxEnvelopeText1764400000000,
  BookingDropStudentIdx1764500000000,
  BookingPayoutAccounts1765100000000,
  BookingPayments1765200000000,
  BookingPayouts1765300000000,
  BookingCancellationPolicy1765500000000,
  BookingCredits1765600000000,
  BookingPaymentCredits1765700000000,
  BookingRefunds1765800000000,
  BookingReferrals1765900000000,
  BookingCreditTransferAttempt1766000000000,
];
