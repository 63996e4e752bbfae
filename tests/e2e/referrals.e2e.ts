import { dataOf, errorOf, eventually, outboxEvents } from '@instainstru/test-harness';
import { useMarketplaceTestbed, type BookingView } from '../support/booking';
import { ledgerViolations, paymentReaches, usePaymentsWorker } from '../support/payments';

/**
 * A referral's life through the gateway: a student's code, redeemed once by a new student (their
 * first-lesson credit at once), the referrer's reward qualifying when that first lesson is
 * completed and charged and posted only after the 72 h dispute window, voided when the lesson is
 * refunded or paid with the referrer's own card; self-referral, a second redemption, an existing
 * student, the same card and more redemptions than the referrer may have are refused, also when
 * racing.
 */
const bed = useMarketplaceTestbed({
  bookingEnv: {
    PAYMENT_AUTHORIZATION_LEAD_MINUTES: String(7 * 24 * 60),
    PAYMENT_ACTION_DEADLINE_MINUTES: '60',
    REFERRAL_MAX_REWARDS: '3',
  },
});
const { at, studentToken } = bed;

const CODE = `{ myReferralCode }`;
const MINE = `{ myReferrals { code rewardMinor refereeCreditMinor currency maxRewards rewardsLeft referrals { id status rewardDueAt rewardedAt voidReason } redeemed { id status refereeCreditMinor } } }`;
const REDEEM = `mutation($code: String!) { redeemReferralCode(code: $code) { id status refereeCreditMinor rewardMinor currency redeemedAt rewardDueAt voidReason } }`;
const CREDITS = `{ myCredits { balanceMinor lots { source grantedMinor } } }`;
const COMPLETE = `mutation($id: ID!) { completeBooking(id: $id) { id } }`;
const PAYMENT = `query($id: ID!) { booking(id: $id) { payment { status } } }`;

interface ReferralView {
  id: string;
  status: string;
  rewardDueAt: string | null;
  rewardedAt: string | null;
  voidReason: string | null;
}
interface Mine {
  code: string;
  rewardMinor: number;
  refereeCreditMinor: number;
  currency: string;
  maxRewards: number;
  rewardsLeft: number;
  referrals: ReferralView[];
  redeemed: { id: string; status: string; refereeCreditMinor: number } | null;
}

usePaymentsWorker(bed);

const H = 3_600_000;
const codeOf = async (token: string) => dataOf<{ myReferralCode: string }>(await bed.stack.graphql(CODE, { token })).myReferralCode;
const mine = async (token: string) => dataOf<{ myReferrals: Mine }>(await bed.stack.graphql(MINE, { token })).myReferrals;
const redeem = (token: string, code: string) => bed.stack.graphql(REDEEM, { token, variables: { code } });
const creditsOf = async (token: string) =>
  dataOf<{
    myCredits: {
      balanceMinor: number;
      lots: { source: string; grantedMinor: number }[];
    };
  }>(await bed.stack.graphql(CREDITS, { token })).myCredits;

/** The student books (saving `card`), and the lesson is authorised, completed and charged. */
async function firstLesson(token: string, startsAt: string, card: string, overrides: Record<string, unknown> = {}): Promise<BookingView> {
  const paymentMethodId = await bed.cards.cardOf(token, card);
  const { createBooking } = dataOf<{ createBooking: BookingView }>(await bed.bookDue(token, startsAt, { paymentMethodId, ...overrides }));
  const read = async () => dataOf<{ booking: { payment: { status: string } } }>(await bed.stack.graphql(PAYMENT, { token, variables: { id: createBooking.id } })).booking;
  const paid = (status: string) => paymentReaches(bed.bookingModule, read, status);
  await paid('AUTHORIZED');
  bed.bookingClockOffsetMs = Date.parse(startsAt) + 2 * H - Date.now();
  dataOf(
    await bed.stack.graphql(COMPLETE, {
      token: bed.teacher.token,
      variables: { id: createBooking.id },
    }),
  );
  await paid('CAPTURED');
  return createBooking;
}

/** Runs the rewards job with booking's clock `hoursAfter` the given instant. */
async function rewardsAt(instant: string, hoursAfter: number): Promise<number> {
  bed.bookingClockOffsetMs = Date.parse(instant) + hoursAfter * H - Date.now();
  return bed.bookingModule.referrals.rewardDue();
}

describe('a referral, redeemed, qualified and rewarded', () => {
  it('the new student gets their credit at once; the referrer is rewarded only after the first lesson is charged and 72 h passed', async () => {
    const referrer = await studentToken('ref-referrer-1');
    const code = await codeOf(referrer);
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(await codeOf(referrer)).toBe(code);
    const fresh = await mine(referrer);
    expect(fresh).toMatchObject({
      code,
      rewardMinor: 2000,
      refereeCreditMinor: 2000,
      currency: 'USD',
      maxRewards: 3,
      rewardsLeft: 3,
      referrals: [],
      redeemed: null,
    });

    const referee = await studentToken('ref-referee-1');
    // Codes are read case- and dash-insensitively, as people type them.
    const redeemed = dataOf<{
      redeemReferralCode: {
        id: string;
        status: string;
        refereeCreditMinor: number;
        rewardDueAt: string | null;
      };
    }>(await redeem(referee, `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`)).redeemReferralCode;
    expect(redeemed).toMatchObject({
      status: 'PENDING',
      refereeCreditMinor: 2000,
      rewardDueAt: null,
    });
    expect(await creditsOf(referee)).toEqual({
      balanceMinor: 2000,
      lots: [{ source: 'REFERRAL', grantedMinor: 2000 }],
    });
    expect(await mine(referrer)).toMatchObject({
      rewardsLeft: 2,
      referrals: [{ id: redeemed.id, status: 'PENDING' }],
    });
    expect((await mine(referee)).redeemed).toMatchObject({
      id: redeemed.id,
      status: 'PENDING',
    });

    // The first lesson, paid partly with the referral credit.
    const startsAt = at(2, '09:00');
    await firstLesson(referee, startsAt, 'pm_card_mastercard', {
      creditsMinor: 2000,
    });
    const qualifying = (await mine(referrer)).referrals[0]!;
    expect(qualifying.status).toBe('QUALIFYING');
    const due = Date.parse(qualifying.rewardDueAt!);
    expect(due - (Date.parse(startsAt) + 2 * H)).toBeGreaterThanOrEqual(72 * H - 60_000);
    expect(due - (Date.parse(startsAt) + 2 * H)).toBeLessThanOrEqual(72 * H + 60_000);

    // Inside the dispute window nothing is posted; after it, exactly once.
    expect(await rewardsAt(startsAt, 2 + 71)).toBe(0);
    expect((await mine(referrer)).referrals[0]!.status).toBe('QUALIFYING');
    expect(await rewardsAt(startsAt, 2 + 73)).toBe(1);
    expect(await rewardsAt(startsAt, 2 + 74)).toBe(0);
    const rewarded = (await mine(referrer)).referrals[0]!;
    expect(rewarded).toMatchObject({ status: 'REWARDED', voidReason: null });
    expect(await creditsOf(referrer)).toEqual({
      balanceMinor: 2000,
      lots: [{ source: 'REFERRAL', grantedMinor: 2000 }],
    });
    expect((await outboxEvents(bed.stack, 'booking', redeemed.id)).map((e) => e.type)).toEqual(['referral.redeemed', 'referral.qualified', 'referral.rewarded']);
    expect(await ledgerViolations(bed.stack)).toEqual({
      unbalanced: [],
      negative: [],
    });
  });

  it('a refunded first lesson voids the reward, which is never posted', async () => {
    const referrer = await studentToken('ref-referrer-2');
    const code = await codeOf(referrer);
    const referee = await studentToken('ref-referee-2');
    dataOf(await redeem(referee, code));
    const startsAt = at(3, '09:00');
    const lesson = await firstLesson(referee, startsAt, 'pm_card_mastercard');
    expect((await mine(referrer)).referrals[0]!.status).toBe('QUALIFYING');

    const admin = await bed.stack.token({ sub: 'ref-admin', roles: ['admin'] });
    dataOf(
      await bed.stack.graphql(`mutation($input: RefundBookingInput!) { refundBooking(input: $input) { id } }`, {
        token: admin,
        variables: {
          input: {
            bookingId: lesson.id,
            amountMinor: 500,
            reason: 'Started late',
          },
        },
      }),
    );
    await eventually(async () => (await bed.bookingModule.payments.sendDue(), (await mine(referrer)).referrals[0]!.status === 'VOIDED'), 30_000, 'voided');
    expect((await mine(referrer)).referrals[0]).toMatchObject({
      status: 'VOIDED',
      voidReason: 'FIRST_LESSON_REFUNDED',
    });
    expect(await rewardsAt(startsAt, 2 + 100)).toBe(0);
    expect((await creditsOf(referrer)).balanceMinor).toBe(0);
    // A voided referral frees its place in the referrer's allowance.
    expect((await mine(referrer)).rewardsLeft).toBe(3);
  });

  it('a first lesson the credits paid wholly does not qualify: the referral waits for a lesson paid with a card', async () => {
    const referrer = await studentToken('ref-referrer-4');
    const code = await codeOf(referrer);
    const referee = await studentToken('ref-referee-4');
    dataOf(await redeem(referee, code));
    const admin = await bed.stack.token({ sub: 'ref-admin', roles: ['admin'] });
    dataOf(
      await bed.stack.graphql(`mutation($input: GrantCreditsInput!) { grantCredits(input: $input) { id } }`, {
        token: admin,
        variables: { input: { studentId: 'ref-referee-4', amountMinor: 20_000, reason: 'Gift' } },
      }),
    );
    const startsAt = at(5, '13:00');
    const price = (errorOf(await bed.book(referee, startsAt, { paymentMethodId: null, creditsMinor: 19_999 }))!.details as { priceMinor: number }).priceMinor;
    await firstLesson(referee, startsAt, 'pm_card_mastercard', { paymentMethodId: null, creditsMinor: price });
    expect((await mine(referrer)).referrals[0]).toMatchObject({ status: 'PENDING', rewardDueAt: null });
    expect(await rewardsAt(startsAt, 2 + 100)).toBe(0);
    expect((await creditsOf(referrer)).balanceMinor).toBe(0);
  });

  it('a first lesson paid with a card the referrer also saved voids the reward at its due time', async () => {
    const referrer = await studentToken('ref-referrer-3');
    await bed.cards.cardOf(referrer, 'pm_card_amex');
    const code = await codeOf(referrer);
    const referee = await studentToken('ref-referee-3');
    dataOf(await redeem(referee, code));
    const startsAt = at(4, '09:00');
    await firstLesson(referee, startsAt, 'pm_card_amex');
    expect(await rewardsAt(startsAt, 2 + 73)).toBe(0);
    expect((await mine(referrer)).referrals[0]).toMatchObject({
      status: 'VOIDED',
      voidReason: 'SAME_CARD',
    });
    expect((await creditsOf(referrer)).balanceMinor).toBe(0);
  });
});

describe('referral abuse, refused with clear reasons', () => {
  it('self-referral, a second redemption, a student who already booked, an unknown code and the same card are refused, writing nothing', async () => {
    const referrer = await studentToken('ref-abuse-referrer');
    const code = await codeOf(referrer);
    expect(errorOf(await redeem(referrer, code))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SELF_REFERRAL',
    });
    expect(errorOf(await redeem(referrer, 'NOPE'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_REFERRAL_CODE',
    });
    expect(errorOf(await redeem(referrer, 'ZZZZZZZZ'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_REFERRAL_CODE',
    });

    const once = await studentToken('ref-abuse-once');
    dataOf(await redeem(once, code));
    const other = await studentToken('ref-abuse-other-referrer');
    expect(errorOf(await redeem(once, await codeOf(other)))).toMatchObject({
      code: 'CONFLICT',
      reason: 'REFERRAL_ALREADY_REDEEMED',
    });

    const booked = await studentToken('ref-abuse-booked');
    dataOf(await bed.bookDue(booked, at(5, '09:00')));
    expect(errorOf(await redeem(booked, code))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_A_NEW_STUDENT',
    });

    // The same card saved on both accounts (Stripe's fingerprint of the card number).
    const sharer = await studentToken('ref-abuse-sharer');
    const sharerReferrer = await studentToken('ref-abuse-sharer-referrer');
    await bed.cards.cardOf(sharerReferrer, 'pm_card_discover');
    await bed.cards.cardOf(sharer, 'pm_card_discover');
    expect(errorOf(await redeem(sharer, await codeOf(sharerReferrer)))).toMatchObject({ code: 'FORBIDDEN', reason: 'SAME_CARD_REFERRAL' });
    expect((await creditsOf(sharer)).balanceMinor).toBe(0);

    const student = await bed.stack.token({
      sub: 'ref-abuse-instructor',
      roles: ['instructor'],
    });
    expect(errorOf(await redeem(student, code))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'STUDENT_ROLE_REQUIRED',
    });
    expect(errorOf(await bed.stack.graphql(CODE))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('new students racing to redeem one code: no more than the referrer may have succeed', async () => {
    const referrer = await studentToken('ref-race-referrer');
    const code = await codeOf(referrer);
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => studentToken(`ref-race-referee-${i}`)));
    const results = await Promise.all(tokens.map((token) => redeem(token, code)));
    const ok = results.filter((r) => !r.body.errors);
    expect(ok).toHaveLength(3);
    expect(results.filter((r) => r.body.errors).map(errorOf)).toEqual(
      Array(5).fill(
        expect.objectContaining({
          code: 'CONFLICT',
          reason: 'REFERRAL_LIMIT_REACHED',
        }),
      ),
    );
    expect(await mine(referrer)).toMatchObject({ rewardsLeft: 0 });
    expect((await mine(referrer)).referrals).toHaveLength(3);
  });
});
