import type { Referrals } from './domain/referrals.service';
import type { Caller } from '@instainstru/platform';
import type DataLoader from 'dataloader';
import type { BookingCreation } from './domain/booking-creation.service';
import type { BookingLifecycle } from './domain/booking-lifecycle.service';
import type { Bookings } from './domain/bookings.service';
import type { PaymentMethods } from './domain/payment-methods.service';
import type { Payments } from './domain/payments.service';
import type { InstructorPayouts } from './domain/payouts.service';
import type { Credits } from './domain/credits.service';
import type { Payment, Refund } from './domain/payment.types';

/** Per request: the caller, what they may read, and the use cases acting for them. */
export interface BookingContext {
  caller: Caller;
  bookings: Bookings;
  creation: BookingCreation;
  lifecycle: BookingLifecycle;
  payments: Payments;
  paymentMethods: PaymentMethods;
  payouts: InstructorPayouts;
  credits: Credits;
  referrals: Referrals;
  /** Bookings' payments, one query per batch of bookings resolved together. */
  paymentLoader: DataLoader<string, Payment | null>;
  /** Bookings' refunds, one query per batch. */
  refundLoader: DataLoader<string, Refund[]>;
}
