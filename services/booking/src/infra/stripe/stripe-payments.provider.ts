import { isStripeAnswer, type Stripe } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from '../../domain/booking.errors';
import type { AuthorizationOutcome, AuthorizationRequest, CaptureOutcome, IntentState, PaymentProvider, ProviderRefundOutcome, TransferOutcome } from '../../domain/payment.ports';
import type { SavedPaymentMethod } from '../../domain/payment.types';
import type { PayoutOutcome, PayoutProvider } from '../../domain/payout.ports';
import type { AccountBalance, ProviderPayout } from '../../domain/payout.types';
import type { RequestGate } from './request-gate';

const unavailable = (operation: string, error: unknown) =>
  new BookingError(BookingErrorCode.PaymentProviderUnavailable, 'The payment provider could not be reached; try again', { operation, reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });

function intentOf(pi: Stripe.PaymentIntent): IntentState {
  const charge = typeof pi.latest_charge === 'object' && pi.latest_charge ? pi.latest_charge : null;
  const captureBefore = charge?.payment_method_details?.card?.capture_before ?? null;
  const error = pi.last_payment_error;
  return {
    id: pi.id,
    status: pi.status as IntentState['status'],
    amountCapturable: pi.amount_capturable,
    amountReceived: pi.amount_received,
    captureBefore: captureBefore ? new Date(captureBefore * 1000) : null,
    clientSecret: pi.client_secret,
    bookingId: pi.metadata?.bookingId ?? null,
    lastError: error ? { code: error.code ?? 'card_error', declineCode: error.decline_code ?? null, message: error.message ?? '' } : null,
  };
}

function payoutOf(po: Stripe.Payout): ProviderPayout {
  return {
    id: po.id,
    status: po.status as ProviderPayout['status'],
    method: po.method === 'instant' ? 'instant' : 'standard',
    amountMinor: po.amount,
    currency: po.currency.toUpperCase(),
    arrivalAt: po.arrival_date ? new Date(po.arrival_date * 1000) : null,
    createdAt: new Date(po.created * 1000),
    failureCode: po.failure_code ?? null,
    failureMessage: po.failure_message ?? null,
    payoutId: po.metadata?.payoutId ?? null,
  };
}

const amountIn = (funds: { amount: number; currency: string }[] | undefined, currency: string) =>
  funds?.filter((f) => f.currency.toUpperCase() === currency.toUpperCase()).reduce((sum, f) => sum + f.amount, 0) ?? 0;

function methodOf(pm: Stripe.PaymentMethod): SavedPaymentMethod {
  return {
    id: pm.id,
    brand: pm.card?.brand ?? pm.type,
    last4: pm.card?.last4 ?? '',
    expMonth: pm.card?.exp_month ?? 0,
    expYear: pm.card?.exp_year ?? 0,
    fingerprint: pm.card?.fingerprint ?? null,
    customerId: typeof pm.customer === 'string' ? pm.customer : (pm.customer?.id ?? null),
  };
}

/**
 * Stripe as the payment provider: customers, saved cards (SetupIntents), manual-capture
 * PaymentIntents charged to the instructor's Connect account with the platform fee. Every mutating
 * call carries the idempotency key it is given; every call waits for the request gate (the
 * configured Stripe request rate). Also the instructors' side: Connect balances and payouts, on
 * the connected account (the `Stripe-Account` header).
 */
export class StripePaymentProvider implements PaymentProvider, PayoutProvider {
  constructor(
    private readonly stripe: Stripe,
    private readonly gate: RequestGate,
  ) {}

  private async call<T>(operation: string, work: () => Promise<T>): Promise<T> {
    await this.gate.pass();
    try {
      return await work();
    } catch (error) {
      if (isStripeAnswer(error)) throw error;
      throw unavailable(operation, error);
    }
  }

  async createCustomer(studentId: string, idempotencyKey: string): Promise<string> {
    const customer = await this.call('customers.create', () => this.stripe.customers.create({ metadata: { studentId } }, { idempotencyKey }));
    return customer.id;
  }

  async startSetup(customerId: string, idempotencyKey: string): Promise<{ setupIntentId: string; clientSecret: string }> {
    const setup = await this.call('setupIntents.create', () =>
      this.stripe.setupIntents.create({ customer: customerId, usage: 'off_session', payment_method_types: ['card'] } as Stripe.SetupIntentCreateParams, { idempotencyKey }),
    );
    return { setupIntentId: setup.id, clientSecret: setup.client_secret! };
  }

  async paymentMethodsOf(customerId: string): Promise<SavedPaymentMethod[]> {
    const list = await this.call('customers.listPaymentMethods', () => this.stripe.customers.listPaymentMethods(customerId, { type: 'card', limit: 100 }));
    return list.data.map(methodOf);
  }

  async paymentMethod(id: string): Promise<SavedPaymentMethod | null> {
    try {
      return methodOf(await this.call('paymentMethods.retrieve', () => this.stripe.paymentMethods.retrieve(id)));
    } catch (error) {
      if (isStripeAnswer(error) && (error.statusCode === 404 || error.code === 'resource_missing')) return null;
      throw error;
    }
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationOutcome> {
    const metadata = { bookingId: request.bookingId, attempt: String(request.attempt) };
    // While booking the student is present: their bank may ask them to authenticate (requires_action, answered with the client secret).
    const offSession: { off_session?: boolean } = request.onSession ? {} : { off_session: true };
    try {
      const intent = await this.call('paymentIntents.authorize', () =>
        request.existingIntentId
          ? this.stripe.paymentIntents.confirm(
              request.existingIntentId,
              { payment_method: request.paymentMethodId, ...offSession, expand: ['latest_charge'] },
              { idempotencyKey: request.idempotencyKey },
            )
          : this.stripe.paymentIntents.create(
              {
                amount: request.amountMinor,
                currency: request.currency.toLowerCase(),
                customer: request.customerId,
                payment_method: request.paymentMethodId,
                payment_method_types: ['card'],
                capture_method: 'manual',
                confirm: true,
                ...offSession,
                transfer_data: { destination: request.destinationAccount },
                application_fee_amount: request.applicationFeeMinor,
                metadata,
                description: `Lesson booking ${request.bookingId}`,
                expand: ['latest_charge'],
              } as Stripe.PaymentIntentCreateParams,
              { idempotencyKey: request.idempotencyKey },
            ),
      );
      if (intent.status === 'requires_capture') return { kind: 'AUTHORIZED', intent: intentOf(intent) };
      const state = intentOf(intent);
      return {
        kind: 'DECLINED',
        intentId: intent.id,
        code: intent.status === 'requires_action' ? 'authentication_required' : (state.lastError?.code ?? `unexpected_${intent.status}`),
        declineCode: state.lastError?.declineCode ?? null,
        message: state.lastError?.message ?? `The payment is ${intent.status}`,
        clientSecret: intent.client_secret,
      };
    } catch (error) {
      if (!(isStripeAnswer(error) && error.type === 'StripeCardError')) throw error;
      const pi = (error.raw as { payment_intent?: Stripe.PaymentIntent } | undefined)?.payment_intent;
      return {
        kind: 'DECLINED',
        intentId: pi?.id ?? null,
        code: error.code ?? 'card_declined',
        declineCode: (error as Stripe.errors.StripeCardError).decline_code ?? null,
        message: error.message,
        clientSecret: pi?.client_secret ?? null,
      };
    }
  }

  async capture(request: { paymentIntentId: string; amountMinor: number; applicationFeeMinor: number; idempotencyKey: string }): Promise<CaptureOutcome> {
    try {
      const intent = await this.call('paymentIntents.capture', () =>
        this.stripe.paymentIntents.capture(
          request.paymentIntentId,
          { amount_to_capture: request.amountMinor, application_fee_amount: request.applicationFeeMinor },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      return { kind: 'CAPTURED', amountMinor: intent.amount_received };
    } catch (error) {
      if (!(isStripeAnswer(error) && error.statusCode === 400)) throw error;
      // Not capturable (expired, canceled, already captured): what the intent is now decides.
      return { kind: 'NOT_CAPTURABLE', intent: await this.intent(request.paymentIntentId) };
    }
  }

  async transfer(request: { amountMinor: number; currency: string; destinationAccount: string; bookingId: string; idempotencyKey: string }): Promise<TransferOutcome> {
    const outcome = await this.refused('transfers.create', async () => {
      const transfer = await this.stripe.transfers.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          destination: request.destinationAccount,
          transfer_group: `booking-${request.bookingId}`,
          metadata: { bookingId: request.bookingId, reason: 'credits' },
          description: `Credits applied to lesson booking ${request.bookingId}`,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return transfer.id;
    });
    return outcome.kind === 'DONE' ? { kind: 'TRANSFERRED', transferId: outcome.id } : outcome;
  }

  async refund(request: { paymentIntentId: string; amountMinor: number; bookingId: string; refundId: string; idempotencyKey: string }): Promise<ProviderRefundOutcome> {
    return this.refused('refunds.create', async () => {
      const refund = await this.stripe.refunds.create(
        {
          payment_intent: request.paymentIntentId,
          amount: request.amountMinor,
          reverse_transfer: true,
          refund_application_fee: true,
          metadata: { bookingId: request.bookingId, refundId: request.refundId },
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return refund.id;
    });
  }

  async reverseTransfer(request: { transferId: string; amountMinor: number; bookingId: string; idempotencyKey: string }): Promise<ProviderRefundOutcome> {
    return this.refused('transfers.createReversal', async () => {
      const reversal = await this.stripe.transfers.createReversal(
        request.transferId,
        { amount: request.amountMinor, metadata: { bookingId: request.bookingId } },
        { idempotencyKey: request.idempotencyKey },
      );
      return reversal.id;
    });
  }

  /** A mutating call answered DONE with its object's id, or REFUSED with Stripe's reason (400); unreachable or in flight elsewhere throws. */
  private async refused(operation: string, work: () => Promise<string>): Promise<ProviderRefundOutcome> {
    try {
      return { kind: 'DONE', id: await this.call(operation, work) };
    } catch (error) {
      if (isStripeAnswer(error) && error.statusCode === 409) throw unavailable(operation, error);
      if (!(isStripeAnswer(error) && error.statusCode === 400)) throw error;
      return { kind: 'REFUSED', code: error.code ?? 'refused', message: error.message };
    }
  }

  async cancel(paymentIntentId: string, idempotencyKey: string): Promise<IntentState> {
    try {
      return intentOf(await this.call('paymentIntents.cancel', () => this.stripe.paymentIntents.cancel(paymentIntentId, {}, { idempotencyKey })));
    } catch (error) {
      if (!(isStripeAnswer(error) && error.statusCode === 400)) throw error;
      const intent = await this.intent(paymentIntentId);
      if (!intent) throw error;
      return intent;
    }
  }

  async intent(id: string): Promise<IntentState | null> {
    try {
      return intentOf(await this.call('paymentIntents.retrieve', () => this.stripe.paymentIntents.retrieve(id, { expand: ['latest_charge'] })));
    } catch (error) {
      if (isStripeAnswer(error) && error.statusCode === 404) return null;
      throw error;
    }
  }

  async intentsOfBooking(customerId: string, bookingId: string): Promise<IntentState[]> {
    const list = await this.call('paymentIntents.list', () => this.stripe.paymentIntents.list({ customer: customerId, limit: 100 }));
    return list.data.map(intentOf).filter((intent) => intent.bookingId === bookingId);
  }

  async balance(accountId: string, currency: string): Promise<AccountBalance> {
    const balance = await this.call('balance.retrieve', () => this.stripe.balance.retrieve({}, { stripeAccount: accountId }));
    return {
      available: amountIn(balance.available, currency),
      pending: amountIn(balance.pending, currency),
      instantAvailable: balance.instant_available ? amountIn(balance.instant_available, currency) : null,
    };
  }

  async createInstantPayout(request: { accountId: string; amountMinor: number; currency: string; payoutId: string; instructorId: string; idempotencyKey: string }): Promise<PayoutOutcome> {
    try {
      const payout = await this.call('payouts.create', () =>
        this.stripe.payouts.create(
          { amount: request.amountMinor, currency: request.currency.toLowerCase(), method: 'instant', metadata: { payoutId: request.payoutId, instructorId: request.instructorId } },
          { stripeAccount: request.accountId, idempotencyKey: request.idempotencyKey },
        ),
      );
      return { kind: 'CREATED', payout: payoutOf(payout) };
    } catch (error) {
      // The same key still in flight elsewhere (a retry racing the first call): its answer is not known yet.
      if (isStripeAnswer(error) && error.statusCode === 409) throw unavailable('payouts.create', error);
      if (!(isStripeAnswer(error) && error.statusCode === 400)) throw error;
      return { kind: 'REFUSED', code: error.code ?? 'payout_refused', message: error.message };
    }
  }

  async payout(accountId: string, payoutId: string): Promise<ProviderPayout | null> {
    try {
      return payoutOf(await this.call('payouts.retrieve', () => this.stripe.payouts.retrieve(payoutId, {}, { stripeAccount: accountId })));
    } catch (error) {
      if (isStripeAnswer(error) && error.statusCode === 404) return null;
      throw error;
    }
  }
}
