import { actionDeadline, applicationFee, authorizationTime, authorizesOnSession, declineKind, onSessionAuthorizationKey, DEFAULT_PAYMENT_TERMS, nextRetryAt, refundableOf, refundedStatus, refundSplit, settlementOf, voidingStatus } from './payment.rules';
import type { Payment } from './payment.types';

const terms = DEFAULT_PAYMENT_TERMS;
const hours = (n: number) => n * 3_600_000;

describe('the platform fee', () => {
  it('is basis points of the amount, rounded half up, never above the amount', () => {
    expect(applicationFee(6500, 1500)).toBe(975);
    expect(applicationFee(3333, 1500)).toBe(500); // 499.95 → 500
    expect(applicationFee(3329, 1500)).toBe(499); // 499.35 → 499
    expect(applicationFee(0, 1500)).toBe(0);
    expect(applicationFee(100, 10_000)).toBe(100);
  });
});

describe('when the card is authorised and when the student must have acted', () => {
  const now = new Date('2030-05-01T12:00:00Z');

  it('authorises 24 h before the start, or at once for a lesson sooner', () => {
    expect(authorizationTime(new Date(now.getTime() + hours(72)), now, terms)).toEqual(new Date(now.getTime() + hours(48)));
    expect(authorizationTime(new Date(now.getTime() + hours(24)), now, terms)).toEqual(now);
    expect(authorizationTime(new Date(now.getTime() + hours(3)), now, terms)).toEqual(now);
  });

  it('authorises while booking exactly when the lesson starts within the lead time, each create under its own key', () => {
    expect(authorizesOnSession(new Date(now.getTime() + hours(24) + 1), now, terms)).toBe(false);
    expect(authorizesOnSession(new Date(now.getTime() + hours(24)), now, terms)).toBe(true);
    expect(authorizesOnSession(new Date(now.getTime() + hours(1)), now, terms)).toBe(true);
    expect(onSessionAuthorizationKey('b1', now)).not.toBe(onSessionAuthorizationKey('b1', new Date(now.getTime() + 1)));
  });

  it('cancels unresolved payments 12 h before the start; a lesson booked later gets half an hour, never past its start', () => {
    expect(actionDeadline(new Date(now.getTime() + hours(72)), now, terms)).toEqual(new Date(now.getTime() + hours(60)));
    expect(actionDeadline(new Date(now.getTime() + hours(6)), now, terms)).toEqual(new Date(now.getTime() + hours(0.5)));
    expect(actionDeadline(new Date(now.getTime() + hours(0.25)), now, terms)).toEqual(new Date(now.getTime() + hours(0.25)));
  });
});

describe('declines', () => {
  it('tells soft declines (retried) from hard ones and authentication (the student acts)', () => {
    expect(declineKind('card_declined', 'insufficient_funds')).toBe('SOFT');
    expect(declineKind('card_declined', 'try_again_later')).toBe('SOFT');
    expect(declineKind('card_declined', 'generic_decline')).toBe('HARD');
    expect(declineKind('card_declined', 'stolen_card')).toBe('HARD');
    expect(declineKind('expired_card', null)).toBe('HARD');
    expect(declineKind('authentication_required', null)).toBe('AUTHENTICATION');
    expect(declineKind('card_declined', 'authentication_required')).toBe('AUTHENTICATION');
  });

  it('retries after 5, 20 and 80 minutes, then stops; never past the deadline', () => {
    const now = new Date('2030-05-01T12:00:00Z');
    const far = new Date(now.getTime() + hours(48));
    expect(nextRetryAt(1, now, far, terms)).toEqual(new Date(now.getTime() + 5 * 60_000));
    expect(nextRetryAt(2, now, far, terms)).toEqual(new Date(now.getTime() + 20 * 60_000));
    expect(nextRetryAt(3, now, far, terms)).toEqual(new Date(now.getTime() + 80 * 60_000));
    expect(nextRetryAt(4, now, far, terms)).toBeNull();
    expect(nextRetryAt(1, now, new Date(now.getTime() + 60_000), terms)).toBeNull();
  });
});

describe('a cancelled booking’s payment', () => {
  const payment = (status: Payment['status'], paymentIntentId: string | null = null) => ({ status, paymentIntentId }) as Payment;

  it('is voided at once when nothing was authorised, through Stripe otherwise, and left alone once settled', () => {
    expect(voidingStatus(payment('SCHEDULED'))).toBe('VOIDED');
    expect(voidingStatus(payment('AUTHORIZING'))).toBe('VOIDING');
    expect(voidingStatus(payment('ACTION_REQUIRED', 'pi_1'))).toBe('VOIDING');
    expect(voidingStatus(payment('AUTHORIZED', 'pi_1'))).toBe('VOIDING');
    expect(voidingStatus(payment('CAPTURED', 'pi_1'))).toBeNull();
    expect(voidingStatus(payment('VOIDED'))).toBeNull();
  });
});

describe('settlementOf: credits first, then the card; the instructor always receives the charge less the fee', () => {
  const paid = (creditMinor: number, charge?: { amount: number; fee: number }) =>
    settlementOf({ amountMinor: 6500 - creditMinor, creditMinor, authorizedAmountMinor: null, platformFeeMinor: 975, captureAmountMinor: charge?.amount ?? null, captureFeeMinor: charge?.fee ?? null });
  const instructorGets = (s: ReturnType<typeof settlementOf>) => s.cardCaptureMinor - s.applicationFeeMinor + s.platformTransferMinor;

  it('without credits the card pays it all and the fee is the application fee', () => {
    expect(paid(0)).toEqual({ cardCaptureMinor: 6500, applicationFeeMinor: 975, creditSpendMinor: 0, creditReleaseMinor: 0, platformTransferMinor: 0, keptMinor: 0 });
  });

  it('credits below the fee lower the application fee; above it the platform transfers the difference', () => {
    expect(paid(400)).toEqual({ cardCaptureMinor: 6100, applicationFeeMinor: 575, creditSpendMinor: 400, creditReleaseMinor: 0, platformTransferMinor: 0, keptMinor: 0 });
    expect(paid(3000)).toEqual({ cardCaptureMinor: 3500, applicationFeeMinor: 0, creditSpendMinor: 3000, creditReleaseMinor: 0, platformTransferMinor: 2025, keptMinor: 0 });
    expect(paid(6500)).toEqual({ cardCaptureMinor: 0, applicationFeeMinor: 0, creditSpendMinor: 6500, creditReleaseMinor: 0, platformTransferMinor: 5525, keptMinor: 0 });
  });

  it('a partial charge takes the credits first and gives back the credits it does not need', () => {
    expect(paid(6500, { amount: 3250, fee: 488 })).toEqual({ cardCaptureMinor: 0, applicationFeeMinor: 0, creditSpendMinor: 3250, creditReleaseMinor: 3250, platformTransferMinor: 2762, keptMinor: 0 });
    expect(paid(1000, { amount: 3250, fee: 488 })).toEqual({ cardCaptureMinor: 2250, applicationFeeMinor: 0, creditSpendMinor: 1000, creditReleaseMinor: 0, platformTransferMinor: 512, keptMinor: 0 });
  });

  it.each([0, 1, 400, 975, 976, 3000, 6499, 6500])('with %i credits the instructor receives 6500 − 975', (credits) => {
    expect(instructorGets(paid(credits))).toBe(6500 - 975);
    expect(instructorGets(paid(credits, { amount: 3250, fee: 488 }))).toBe(3250 - 488);
  });
});

describe('refunds of a charged payment', () => {
  const charged = (over: Partial<Payment> = {}) =>
    ({
      status: 'CAPTURED',
      amountMinor: 3500,
      creditMinor: 3000,
      authorizedAmountMinor: 3500,
      capturedAmountMinor: 3500,
      platformFeeMinor: 975,
      applicationFeeMinor: 0,
      captureAmountMinor: null,
      captureFeeMinor: null,
      creditInsteadMinor: 0,
      refundedMinor: 0,
      refundedCreditMinor: 0,
      platformTransferId: 'tr_1',
      platformTransferReversedMinor: 0,
      ...over,
    }) as Payment;

  it('gives back the card first, then what credits paid, reversing the platform transfer in proportion and wholly with the last credit', () => {
    expect(refundableOf(charged())).toEqual({ cardMinor: 3500, creditMinor: 3000 });
    expect(refundSplit(charged(), 2000)).toEqual({ cardMinor: 2000, creditMinor: 0, transferReversalMinor: 0 });
    // Transfer: 3000 − 975 = 2025; half the credits reverse half of it.
    expect(refundSplit(charged(), 3500 + 1500)).toEqual({ cardMinor: 3500, creditMinor: 1500, transferReversalMinor: 1013 });
    const after = charged({ refundedMinor: 3500, refundedCreditMinor: 1500, platformTransferReversedMinor: 1013, status: 'PARTIALLY_REFUNDED' });
    expect(refundSplit(after, 1500)).toEqual({ cardMinor: 0, creditMinor: 1500, transferReversalMinor: 1012 });
    expect(refundedStatus(after)).toBe('PARTIALLY_REFUNDED');
    expect(refundedStatus({ ...after, refundedCreditMinor: 3000 })).toBe('REFUNDED');
    expect(refundedStatus(charged())).toBe('CAPTURED');
  });

  it('never refunds to the card what was kept for credits given instead, and nothing of a payment not charged', () => {
    const instead = charged({ creditMinor: 0, amountMinor: 6500, authorizedAmountMinor: 6500, capturedAmountMinor: 6500, captureAmountMinor: 3250, captureFeeMinor: 488, creditInsteadMinor: 3250, platformTransferId: null });
    expect(refundableOf(instead)).toEqual({ cardMinor: 3250, creditMinor: 0 });
    expect(refundableOf({ ...instead, status: 'AUTHORIZED' })).toEqual({ cardMinor: 0, creditMinor: 0 });
  });
});
