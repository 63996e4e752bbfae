import { hasRole, type Caller } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import type { PaymentProvider, PaymentRepository } from './payment.ports';
import { customerKey } from './payment.rules';
import type { SavedPaymentMethod } from './payment.types';

/** Stripe's payment method ids (`pm_…`); anything else is refused before Stripe is asked. */
const PAYMENT_METHOD_ID = /^pm_[A-Za-z0-9_]{1,250}$/;

function requireStudent(caller: Caller): string {
  if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to manage your payment methods');
  if (!hasRole(caller, 'student')) throw new BookingError(BookingErrorCode.StudentRoleRequired, 'Only students save payment methods');
  return caller.userId;
}

/**
 * A student's saved cards: one Stripe customer per student (made on first use, idempotently), cards
 * saved through a SetupIntent for later off-session payments, and the check that a card given to
 * a booking is one of the student's own.
 */
export class PaymentMethods {
  constructor(
    private readonly repository: PaymentRepository,
    private readonly provider: PaymentProvider,
  ) {}

  /** The student's Stripe customer, made once (two racing calls make one: the idempotency key is the student's). */
  async customerFor(studentId: string): Promise<string> {
    const known = await this.repository.customerOf(studentId);
    if (known) return known;
    const created = await this.provider.createCustomer(studentId, customerKey(studentId));
    return this.repository.saveCustomer(studentId, created);
  }

  /** A SetupIntent for saving a card for later payments; its client secret is for Stripe.js (confirmCardSetup). */
  async startSetup(caller: Caller): Promise<{ setupIntentId: string; clientSecret: string; customerId: string }> {
    const studentId = requireStudent(caller);
    const customerId = await this.customerFor(studentId);
    const setup = await this.provider.startSetup(customerId, `student-${studentId}-setup-${Date.now()}`);
    return { ...setup, customerId };
  }

  async mine(caller: Caller): Promise<SavedPaymentMethod[]> {
    const studentId = requireStudent(caller);
    const customerId = await this.repository.customerOf(studentId);
    return customerId ? this.provider.paymentMethodsOf(customerId) : [];
  }

  /** The student's own saved card with this id, with its customer; PAYMENT_METHOD_NOT_FOUND for anyone else's or none. */
  async requireUsable(studentId: string, paymentMethodId: string): Promise<SavedPaymentMethod & { customerId: string }> {
    const notFound = () =>
      new BookingError(BookingErrorCode.PaymentMethodNotFound, 'No saved payment method of yours has this id; save a card first (startPaymentMethodSetup)', {
        paymentMethodId: paymentMethodId.slice(0, 64),
      });
    if (!PAYMENT_METHOD_ID.test(paymentMethodId)) throw notFound();
    const customerId = await this.repository.customerOf(studentId);
    if (!customerId) throw notFound();
    const method = await this.provider.paymentMethod(paymentMethodId);
    if (!method || method.customerId !== customerId) throw notFound();
    return { ...method, customerId };
  }
}
