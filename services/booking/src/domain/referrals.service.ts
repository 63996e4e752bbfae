import { randomInt, randomUUID } from 'node:crypto';
import { hasRole, type Caller, type Logger } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import { requirePageSize } from './booking.rules';
import type { Clock } from './booking.ports';
import type { Booking } from './booking.types';
import type { PaymentProvider, PaymentRepository, PaymentUnitOfWork } from './payment.ports';
import type { Payment } from './payment.types';
import type { ReferralRepository } from './referrals.ports';
import { REFERRAL_CODE, REFERRAL_CODE_ALPHABET, type Referral, type ReferralTerms } from './referrals.types';

/** What a student sees of their referrals: their code and its terms, the referrals it made, and the one they redeemed. */
export interface MyReferrals {
  studentId: string;
  code: string;
  rewardMinor: number;
  refereeCreditMinor: number;
  currency: string;
  maxRewards: number;
  rewardsLeft: number;
  redeemed: Referral | null;
}

const drawCode = () => Array.from({ length: 8 }, () => REFERRAL_CODE_ALPHABET[randomInt(REFERRAL_CODE_ALPHABET.length)]).join('');

/**
 * Referrals (DESIGN §5): every student has a code; a new student (no booking yet) redeems one code,
 * once, and receives a credit lot for their first lesson, while the referrer's reward waits: it is
 * posted only after the referee's first lesson was completed and charged and the dispute window
 * passed, and voided if that lesson is refunded. Self-referral, the same card (Stripe's card
 * fingerprint) behind both accounts, and more than the referrer's allowance are refused.
 */
export class Referrals {
  constructor(
    private readonly repository: ReferralRepository,
    private readonly payments: Pick<PaymentRepository, 'customerOf'>,
    private readonly provider: Pick<PaymentProvider, 'paymentMethodsOf' | 'paymentMethod'>,
    private readonly terms: ReferralTerms,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private requireStudent(caller: Caller): string {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to use referrals');
    if (!hasRole(caller, 'student')) throw new BookingError(BookingErrorCode.StudentRoleRequired, 'Referrals are for students');
    return caller.userId;
  }

  /** The student's code, made on first ask (drawn again on the rare clash with another student's). */
  async codeFor(studentId: string): Promise<string> {
    const known = await this.repository.codeOf(studentId);
    if (known) return known;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const saved = await this.repository.saveCode(studentId, drawCode());
      if (saved !== 'CODE_TAKEN') return saved;
    }
    throw new Error('could not draw a free referral code');
  }

  async mine(caller: Caller): Promise<MyReferrals> {
    const studentId = this.requireStudent(caller);
    const [code, active, redeemed] = await Promise.all([this.codeFor(studentId), this.repository.countActive(studentId), this.repository.referralOfReferee(studentId)]);
    return {
      studentId,
      code,
      rewardMinor: this.terms.rewardMinor,
      refereeCreditMinor: this.terms.refereeCreditMinor,
      currency: this.terms.currency,
      maxRewards: this.terms.maxRewardsPerReferrer,
      rewardsLeft: Math.max(0, this.terms.maxRewardsPerReferrer - active),
      redeemed,
    };
  }

  /** The referrals a student's code made, newest first. */
  referralsOf(studentId: string, first: number | null | undefined): Promise<Referral[]> {
    return this.repository.referralsOf(studentId, requirePageSize(first));
  }

  async myCode(caller: Caller): Promise<string> {
    return this.codeFor(this.requireStudent(caller));
  }

  /** A new student redeems a code: every check before the one transaction that writes the referral and the referee's credit. */
  async redeem(caller: Caller, codeRaw: string): Promise<Referral> {
    const refereeId = this.requireStudent(caller);
    const code = codeRaw.trim().toUpperCase().replace(/[\s-]/g, '');
    const invalid = new BookingError(BookingErrorCode.InvalidReferralCode, 'No such referral code', { code: code.slice(0, 20) });
    if (!REFERRAL_CODE.test(code)) throw invalid;
    const referrerId = await this.repository.ownerOfCode(code);
    if (!referrerId) throw invalid;
    if (referrerId === refereeId) throw new BookingError(BookingErrorCode.SelfReferral, 'You cannot redeem your own referral code');
    if (await this.repository.referralOfReferee(refereeId)) throw alreadyRedeemed();
    if (await this.repository.hasBooked(refereeId)) throw notNew();
    if (await this.sharedCard(refereeId, referrerId)) throw sameCard();
    if ((await this.repository.countActive(referrerId)) >= this.terms.maxRewardsPerReferrer) throw limitReached(this.terms.maxRewardsPerReferrer);
    const now = this.clock();
    const id = randomUUID();
    const outcome = await this.repository.redeem(
      {
        id,
        code,
        referrerId,
        refereeId,
        refereeCreditMinor: this.terms.refereeCreditMinor,
        rewardMinor: this.terms.rewardMinor,
        currency: this.terms.currency,
        refereeLot: {
          id,
          studentId: refereeId,
          source: 'REFERRAL',
          amountMinor: this.terms.refereeCreditMinor,
          currency: this.terms.currency,
          reason: 'Welcome: a referral credit for your first lesson',
          grantedBy: null,
          expiresAt: new Date(now.getTime() + this.terms.creditExpiryDays * 86_400_000),
        },
      },
      this.terms.maxRewardsPerReferrer,
      now,
    );
    if (outcome === 'LIMIT') throw limitReached(this.terms.maxRewardsPerReferrer);
    if (outcome === 'ALREADY') throw alreadyRedeemed();
    if (outcome === 'NOT_NEW') throw notNew();
    this.logger.info({ referralId: outcome.id, referrerId, refereeId }, 'referral code redeemed');
    return outcome;
  }

  /**
   * In the capture's transaction: a completed lesson of a referee, charged to their card, starts the
   * dispute window of their referral (only the first such lesson). A lesson the credits paid wholly
   * (the referral's own credit, say) captured nothing: it does not qualify, or a referral would pay
   * out without the new student ever paying.
   */
  async lessonCharged(uow: PaymentUnitOfWork, payment: Payment, booking: Booking | null, now: Date): Promise<void> {
    if (booking?.status !== 'COMPLETED' || !payment.capturedAmountMinor) return;
    await uow.qualifyReferral(payment.studentId, payment.bookingId, new Date(now.getTime() + this.terms.disputeWindowHours * 3_600_000), now);
  }

  /** In a refund's transaction: a refunded first lesson voids its referral's reward. */
  async lessonRefunded(uow: PaymentUnitOfWork, payment: Payment, now: Date): Promise<void> {
    await uow.voidReferralOf(payment.bookingId, 'FIRST_LESSON_REFUNDED', now);
  }

  /**
   * The rewards job: referrals whose dispute window ended are rewarded — unless the first lesson's
   * payment is being refunded (left for the next pass) or was refunded (voided), or the card that
   * paid it is also the referrer's (voided). Returns how many were rewarded.
   */
  async rewardDue(limit = 100): Promise<number> {
    let rewarded = 0;
    for (const referral of await this.repository.due(this.clock(), limit)) {
      const payment = referral.firstBookingId ? await this.repository.paymentOfBooking(referral.firstBookingId) : null;
      if (payment?.status === 'REFUNDING') continue;
      const now = this.clock();
      if (!payment || payment.status === 'REFUNDED' || payment.status === 'PARTIALLY_REFUNDED') {
        await this.repository.void(referral.id, 'FIRST_LESSON_REFUNDED', now);
        continue;
      }
      if (payment.paymentMethodId && (await this.cardOfReferrer(payment.paymentMethodId, referral.referrerId))) {
        await this.repository.void(referral.id, 'SAME_CARD', now);
        this.logger.warn({ referralId: referral.id }, 'referral voided: the first lesson was paid with a card the referrer also saved');
        continue;
      }
      const done = await this.repository.reward(
        referral.id,
        {
          id: randomUUID(),
          studentId: referral.referrerId,
          source: 'REFERRAL',
          amountMinor: referral.rewardMinor,
          currency: referral.currency,
          reason: 'Referral reward: a student you referred took their first lesson',
          grantedBy: null,
          expiresAt: new Date(now.getTime() + this.terms.creditExpiryDays * 86_400_000),
        },
        now,
      );
      if (done) rewarded += 1;
    }
    return rewarded;
  }

  /** Stripe's fingerprints of the cards a student saved. */
  private async fingerprintsOf(studentId: string): Promise<Set<string>> {
    const customerId = await this.payments.customerOf(studentId);
    if (!customerId) return new Set();
    return new Set((await this.provider.paymentMethodsOf(customerId)).map((m) => m.fingerprint).filter((f): f is string => f !== null));
  }

  private async sharedCard(refereeId: string, referrerId: string): Promise<boolean> {
    const [mine, theirs] = await Promise.all([this.fingerprintsOf(refereeId), this.fingerprintsOf(referrerId)]);
    return [...mine].some((f) => theirs.has(f));
  }

  private async cardOfReferrer(paymentMethodId: string, referrerId: string): Promise<boolean> {
    const method = await this.provider.paymentMethod(paymentMethodId);
    return method?.fingerprint ? (await this.fingerprintsOf(referrerId)).has(method.fingerprint) : false;
  }
}

const alreadyRedeemed = () => new BookingError(BookingErrorCode.ReferralAlreadyRedeemed, 'You have already redeemed a referral code');
const notNew = () => new BookingError(BookingErrorCode.NotANewStudent, 'Referral codes are for new students, before their first booking');
const sameCard = () => new BookingError(BookingErrorCode.SameCardReferral, 'This code belongs to an account that saved the same card as yours');
const limitReached = (max: number) => new BookingError(BookingErrorCode.ReferralLimitReached, `This code has reached its limit of ${max} referrals`, { maxRewards: max });
