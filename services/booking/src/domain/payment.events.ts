import { PaymentEventType, type EventPayload, type NewEvent, type PaymentEventTypeName } from '@instainstru/events';
import type { Payment, Refund } from './payment.types';

export { PaymentEventType } from '@instainstru/events';

type FactType = 'payment.authorized' | 'payment.action-required' | 'payment.captured' | 'payment.voided' | 'payment.failed';

/** A fact about the payment after a change: its whole state, for consumers that follow payments. */
export function paymentFact(type: FactType, payment: Payment, at: Date): NewEvent<EventPayload<FactType>> {
  return {
    type,
    aggregateId: payment.bookingId,
    occurredAt: at,
    payload: {
      bookingId: payment.bookingId,
      studentUserId: payment.studentId,
      status: payment.status,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      applicationFeeMinor: payment.applicationFeeMinor,
      authorizedAmountMinor: payment.authorizedAmountMinor,
      capturedAmountMinor: payment.capturedAmountMinor,
      paymentIntentId: payment.paymentIntentId,
      failureCode: payment.failure?.code ?? null,
      actionType: payment.action?.type ?? null,
      creditsAppliedMinor: payment.creditMinor,
      refundedMinor: payment.refundedMinor,
      refundedCreditMinor: payment.refundedCreditMinor,
      occurredAt: at.toISOString(),
    },
  };
}

/** A refund settled (made, or refused by Stripe), with the payment's refund totals after it. */
export function refundFact(type: 'payment.refunded' | 'payment.refund-failed', payment: Payment, refund: Refund, at: Date): NewEvent<EventPayload<'payment.refunded'>> {
  return {
    type,
    aggregateId: payment.bookingId,
    occurredAt: at,
    payload: {
      bookingId: payment.bookingId,
      studentUserId: payment.studentId,
      refundId: refund.id,
      status: payment.status,
      cardMinor: refund.cardMinor,
      creditMinor: refund.creditMinor,
      transferReversalMinor: refund.transferReversalMinor,
      refundedMinor: payment.refundedMinor,
      refundedCreditMinor: payment.refundedCreditMinor,
      currency: payment.currency,
      reason: refund.reason,
      failureCode: refund.failure?.code ?? null,
      occurredAt: at.toISOString(),
    },
  };
}

/** The command the payments worker acts on for a payment in progress (one Stripe call). */
export function paymentCommand(payment: Payment, at: Date): NewEvent<EventPayload<PaymentEventTypeName>> | null {
  const base = { aggregateId: payment.bookingId, occurredAt: at };
  switch (payment.status) {
    case 'AUTHORIZING':
      return { ...base, type: PaymentEventType.AuthorizationDue, payload: { bookingId: payment.bookingId, attempt: payment.attempt, occurredAt: at.toISOString() } };
    case 'CAPTURING':
      return { ...base, type: PaymentEventType.CaptureDue, payload: { bookingId: payment.bookingId, occurredAt: at.toISOString() } };
    case 'VOIDING':
      return { ...base, type: PaymentEventType.VoidDue, payload: { bookingId: payment.bookingId, occurredAt: at.toISOString() } };
    case 'REFUNDING':
      return { ...base, type: PaymentEventType.RefundDue, payload: { bookingId: payment.bookingId, occurredAt: at.toISOString() } };
    default:
      return null;
  }
}
