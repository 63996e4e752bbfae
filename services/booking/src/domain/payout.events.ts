import { PayoutEventType, type EventPayload, type NewEvent } from '@instainstru/events';
import type { Payout } from './payout.types';

type PayoutFact = (typeof PayoutEventType)[keyof typeof PayoutEventType];

/** A fact about a payout after a change: its whole state. */
export function payoutFact(type: PayoutFact, payout: Payout, at: Date): NewEvent<EventPayload<PayoutFact>> {
  return {
    type,
    aggregateId: payout.id,
    occurredAt: at,
    payload: {
      payoutId: payout.id,
      instructorId: payout.instructorId,
      stripeAccountId: payout.stripeAccountId,
      stripePayoutId: payout.stripePayoutId,
      method: payout.method,
      status: payout.status,
      amountMinor: payout.amountMinor,
      feeMinor: payout.feeMinor,
      currency: payout.currency,
      arrivalAt: payout.arrivalAt?.toISOString() ?? null,
      failureCode: payout.failure?.code ?? null,
      occurredAt: at.toISOString(),
    },
  };
}
