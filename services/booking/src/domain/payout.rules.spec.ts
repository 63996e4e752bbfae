import { BookingError } from './booking.errors';
import { DEFAULT_PAYOUT_TERMS, instantPayoutFee, instantPayoutRefusal, maxInstantPayout, payoutMovesForward, requirePayoutAmount } from './payout.rules';

const terms = DEFAULT_PAYOUT_TERMS;
const account = { stripeAccountId: 'acct_1', chargesEnabled: true, payoutsEnabled: true };

describe('instant payout fee', () => {
  it('is 1.5 % rounded up to a whole minor unit, never under the minimum', () => {
    expect(instantPayoutFee(terms, 100)).toBe(50);
    expect(instantPayoutFee(terms, 3333)).toBe(50);
    expect(instantPayoutFee(terms, 3334)).toBe(51);
    expect(instantPayoutFee(terms, 10_000)).toBe(150);
    expect(instantPayoutFee(terms, 10_001)).toBe(151);
  });

  it('the largest payout leaves amount + fee within the balance, and one more minor unit would not', () => {
    for (const available of [149, 150, 151, 3384, 3385, 10_150, 10_151, 987_654, 5_000_000]) {
      const max = maxInstantPayout(terms, available);
      if (max === 0) {
        expect(terms.minInstantMinor + instantPayoutFee(terms, terms.minInstantMinor)).toBeGreaterThan(available);
        continue;
      }
      expect(max + instantPayoutFee(terms, max)).toBeLessThanOrEqual(available);
      if (max < terms.maxInstantMinor) expect(max + 1 + instantPayoutFee(terms, max + 1)).toBeGreaterThan(available);
    }
    expect(maxInstantPayout(terms, 5_000_000)).toBe(terms.maxInstantMinor);
  });
});

describe('payout amounts', () => {
  it.each([0, -1, 99, 1_000_001, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2])('refuses %p', (amount) => {
    expect(() => requirePayoutAmount(terms, amount)).toThrow(expect.objectContaining({ code: 'INVALID_PAYOUT_AMOUNT' }) as BookingError);
  });

  it('takes whole amounts from the minimum to the maximum', () => {
    expect(requirePayoutAmount(terms, 100)).toBe(100);
    expect(requirePayoutAmount(terms, 1_000_000)).toBe(1_000_000);
  });
});

describe('eligibility', () => {
  const balance = { available: 0, pending: 10_150, instantAvailable: 10_150 };

  it('pays out when the amount and its fee fit', () => {
    expect(instantPayoutRefusal(terms, account, balance, 10_000)).toBeNull();
  });

  it('says why not', () => {
    expect(instantPayoutRefusal(terms, account, balance, 10_001)?.code).toBe('INSUFFICIENT_BALANCE');
    expect(instantPayoutRefusal(terms, null, null, 100)?.code).toBe('PAYOUTS_NOT_ENABLED');
    expect(instantPayoutRefusal(terms, { ...account, payoutsEnabled: false }, balance, 100)?.code).toBe('PAYOUTS_NOT_ENABLED');
    expect(instantPayoutRefusal(terms, account, { ...balance, instantAvailable: null }, 100)?.code).toBe('INSTANT_PAYOUTS_UNSUPPORTED');
  });
});

describe('payout status', () => {
  it('moves only forward; a paid payout may still fail', () => {
    expect(payoutMovesForward('REQUESTED', 'PENDING')).toBe(true);
    expect(payoutMovesForward('IN_TRANSIT', 'PAID')).toBe(true);
    expect(payoutMovesForward('PAID', 'FAILED')).toBe(true);
    expect(payoutMovesForward('PAID', 'IN_TRANSIT')).toBe(false);
    expect(payoutMovesForward('FAILED', 'PAID')).toBe(false);
    expect(payoutMovesForward('PENDING', 'PENDING')).toBe(false);
  });
});
