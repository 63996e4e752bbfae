import { DateTime } from 'luxon';
import { cancellationTerms, chargeShare, parseTiers, type CancellationPolicy } from './cancellation.rules';
import type { Payment } from './payment.types';

const V1: CancellationPolicy = { version: 1, tiers: [{ minHoursBefore: 24, chargeBps: 0 }, { minHoursBefore: 12, chargeBps: 5000 }, { minHoursBefore: 0, chargeBps: 10_000 }], goodwillCreditBps: 1000, creditInsteadBps: 11_000 };
const MIN = 60_000;
const H = 3_600_000;

const authorized = { status: 'AUTHORIZED', amountMinor: 6500, creditMinor: 0, authorizedAmountMinor: 6500, platformFeeMinor: 975, applicationFeeMinor: 975 } as Payment;

describe('the share a cancellation charges', () => {
  // The same lessons in two zones: tiers are hours before the start instant, whatever the local clock says.
  for (const zone of ['America/New_York', 'Asia/Kolkata']) {
    const start = DateTime.fromISO('2030-03-10T09:30', { zone }).toJSDate();
    it(`at each tier's boundary, ±1 minute (${zone})`, () => {
      const at = (msBefore: number) => new Date(start.getTime() - msBefore);
      expect(chargeShare(V1, 'STUDENT', start, at(24 * H + MIN))).toBe(0);
      expect(chargeShare(V1, 'STUDENT', start, at(24 * H))).toBe(0);
      expect(chargeShare(V1, 'STUDENT', start, at(24 * H - MIN))).toBe(5000);
      expect(chargeShare(V1, 'STUDENT', start, at(12 * H + MIN))).toBe(5000);
      expect(chargeShare(V1, 'STUDENT', start, at(12 * H))).toBe(5000);
      expect(chargeShare(V1, 'STUDENT', start, at(12 * H - MIN))).toBe(10_000);
      expect(chargeShare(V1, 'STUDENT', start, at(MIN))).toBe(10_000);
    });
  }

  it('charges nothing when the instructor, an admin or the system cancels', () => {
    const start = new Date('2030-03-10T09:30:00Z');
    for (const who of ['INSTRUCTOR', 'ADMIN', 'SYSTEM'] as const) expect(chargeShare(V1, who, start, new Date(start.getTime() - MIN))).toBe(0);
  });
});

describe('the money of a cancellation', () => {
  const start = new Date('2030-03-10T09:30:00Z');
  it('captures the share of an authorisation with the platform fee prorated, and releases the rest', () => {
    expect(cancellationTerms(V1, 'STUDENT', start, new Date(start.getTime() - 18 * H), authorized, { amountMinor: 6500, currency: 'USD' })).toEqual({
      policyVersion: 1,
      cancelledBy: 'STUDENT',
      hoursBeforeStart: 18,
      chargeBps: 5000,
      chargeMinor: 3250,
      creditsChargedMinor: 0,
      creditsReturnedMinor: 0,
      creditInsteadMinor: 3575,
      platformFeeMinor: 488, // 975 × 3250 / 6500 = 487.5 → 488
      instructorShareMinor: 2762,
      releasedMinor: 3250,
      refundMinor: 0,
      creditMinor: 0,
      currency: 'USD',
    });
  });

  it('an instructor cancelling charges nothing, releases the authorisation and gives the student the goodwill credit', () => {
    expect(cancellationTerms(V1, 'INSTRUCTOR', start, new Date(start.getTime() - H), authorized, { amountMinor: 6500, currency: 'USD' })).toMatchObject({
      chargeMinor: 0,
      releasedMinor: 6500,
      creditMinor: 650,
    });
    expect(cancellationTerms(V1, 'ADMIN', start, new Date(start.getTime() - H), authorized, { amountMinor: 6500, currency: 'USD' }).creditMinor).toBe(0);
  });

  it('charges nothing before the card is authorised, whatever the tier', () => {
    for (const status of ['SCHEDULED', 'AUTHORIZING', 'ACTION_REQUIRED'] as const) {
      const terms = cancellationTerms(V1, 'STUDENT', start, new Date(start.getTime() - H), { ...authorized, status }, { amountMinor: 6500, currency: 'USD' });
      expect(terms).toMatchObject({ chargeBps: 10_000, chargeMinor: 0, platformFeeMinor: 0, releasedMinor: 0 });
    }
  });

  it('refuses a stored policy without a tier from 0 hours, or with a share above 100 %', () => {
    expect(() => parseTiers([{ minHoursBefore: 24, chargeBps: 0 }])).toThrow();
    expect(() => parseTiers([{ minHoursBefore: 0, chargeBps: 10_001 }])).toThrow();
    expect(parseTiers(V1.tiers)).toEqual(V1.tiers);
  });

  it('charges reserved credits first, then the card, and returns what is not charged', () => {
    const start = new Date('2030-03-10T09:30:00Z');
    const withCredits = { ...authorized, amountMinor: 3500, authorizedAmountMinor: 3500, creditMinor: 3000, applicationFeeMinor: 0 } as Payment;
    expect(cancellationTerms(V1, 'STUDENT', start, new Date(start.getTime() - 18 * H), withCredits, { amountMinor: 6500, currency: 'USD' })).toMatchObject({
      chargeMinor: 3250,
      creditsChargedMinor: 3000,
      creditsReturnedMinor: 0,
      platformFeeMinor: 488,
      releasedMinor: 3250,
    });
    // Scheduled (nothing authorised yet): nothing charged, every credit returned.
    expect(cancellationTerms(V1, 'STUDENT', start, new Date(start.getTime() - 18 * H), { ...withCredits, status: 'SCHEDULED' }, { amountMinor: 6500, currency: 'USD' })).toMatchObject({
      chargeMinor: 0,
      creditsChargedMinor: 0,
      creditsReturnedMinor: 3000,
    });
  });
});
