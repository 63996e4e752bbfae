import { randomUUID } from 'node:crypto';
import { hasRole, type Caller, type Logger } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import type { Clock } from './booking.ports';
import { normaliseReason, requirePageSize } from './booking.rules';
import type { CreditLedger } from './credits.ports';
import { CreditAccount, reservation, type CreditLot, type StudentCredits } from './credits.types';

export interface CreditTerms {
  currency: string;
  /** How long a granted lot lasts unless the grant says otherwise. */
  defaultExpiryDays: number;
  /** The largest single grant or revocation. */
  maxGrantMinor: number;
}

export const DEFAULT_CREDIT_TERMS: CreditTerms = { currency: 'USD', defaultExpiryDays: 365, maxGrantMinor: 100_000 };

/**
 * Platform credits (DESIGN §5) on a double-entry ledger: students see their balance, lots and
 * history; admins grant and revoke with a reason; a booking reserves credits, its capture spends
 * them, its cancellation releases them; what expires is posted to the expiry account by a job.
 */
export class Credits {
  constructor(
    private readonly ledger: CreditLedger,
    private readonly terms: CreditTerms,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  private requireAdmin(caller: Caller): string {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to manage credits');
    if (!hasRole(caller, 'admin')) throw new BookingError(BookingErrorCode.AdminOnly, 'Only admins grant, revoke or read students\' credits');
    return caller.userId;
  }

  private requireAmount(amountMinor: number): number {
    if (!Number.isInteger(amountMinor) || amountMinor < 1 || amountMinor > this.terms.maxGrantMinor) {
      throw new BookingError(BookingErrorCode.InvalidCreditAmount, `amountMinor must be a whole number from 1 to ${this.terms.maxGrantMinor}`, {
        amountMinor,
        max: this.terms.maxGrantMinor,
      });
    }
    return amountMinor;
  }

  private requireReason(reason: string): string {
    const normalised = normaliseReason(reason);
    if (!normalised) throw new BookingError(BookingErrorCode.ReasonRequired, 'Say why (reason)');
    return normalised;
  }

  private requireStudent(studentId: string): string {
    const id = studentId.trim();
    if (!id || id.length > 200) throw new BookingError(BookingErrorCode.InvalidStudentId, 'studentId must be 1 to 200 characters');
    return id;
  }

  async mine(caller: Caller, historyFirst: number | null | undefined): Promise<StudentCredits> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to see your credits');
    return this.ledger.studentCredits(caller.userId, this.terms.currency, this.clock(), requirePageSize(historyFirst));
  }

  /** Admins: a student's credits as the student sees them. */
  async ofStudent(caller: Caller, studentId: string, historyFirst: number | null | undefined): Promise<StudentCredits> {
    this.requireAdmin(caller);
    return this.ledger.studentCredits(this.requireStudent(studentId), this.terms.currency, this.clock(), requirePageSize(historyFirst));
  }

  /** What the student may apply to a booking now. */
  async available(studentId: string): Promise<{ balanceMinor: number; currency: string }> {
    return { balanceMinor: await this.ledger.available(studentId, this.clock()), currency: this.terms.currency };
  }

  /** Admins: a lot of credits for a student, with its expiry (default DEFAULT expiry days) and the reason. */
  async grant(caller: Caller, input: { studentId: string; amountMinor: number; expiresInDays?: number | null; reason: string }): Promise<CreditLot> {
    const adminId = this.requireAdmin(caller);
    const studentId = this.requireStudent(input.studentId);
    const amountMinor = this.requireAmount(input.amountMinor);
    const days = input.expiresInDays ?? this.terms.defaultExpiryDays;
    if (!Number.isInteger(days) || days < 1 || days > 3 * 365) {
      throw new BookingError(BookingErrorCode.InvalidCreditExpiry, 'expiresInDays must be a whole number of days from 1 to 1095', { expiresInDays: days });
    }
    const reason = this.requireReason(input.reason);
    const now = this.clock();
    const lot = await this.ledger.grant({
      id: randomUUID(),
      studentId,
      source: 'GRANT',
      amountMinor,
      currency: this.terms.currency,
      reason,
      grantedBy: adminId,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
    });
    this.logger.info({ studentId, amountMinor, lotId: lot.id, adminId }, 'credits granted');
    return lot;
  }

  /** Admins: takes credits back (soonest-expiring first); INSUFFICIENT_CREDITS when the student has not that much. */
  async revoke(caller: Caller, input: { studentId: string; amountMinor: number; reason: string }): Promise<StudentCredits> {
    const adminId = this.requireAdmin(caller);
    const studentId = this.requireStudent(input.studentId);
    const amountMinor = this.requireAmount(input.amountMinor);
    const reason = this.requireReason(input.reason);
    const now = this.clock();
    const taken = await this.ledger.take(
      { kind: 'REVOKE', studentId, bookingId: null, reason, actor: adminId, from: CreditAccount.student(studentId), to: CreditAccount.revoked },
      amountMinor,
      now,
    );
    if (taken === 'INSUFFICIENT') throw insufficient(amountMinor);
    return this.ledger.studentCredits(studentId, this.terms.currency, now, 20);
  }

  /** Holds `amountMinor` of the student's credits for a booking (soonest-expiring first); INSUFFICIENT_CREDITS otherwise. */
  async reserve(studentId: string, bookingId: string, amountMinor: number): Promise<void> {
    const taken = await this.ledger.take(reservation(studentId, bookingId), amountMinor, this.clock());
    if (taken === 'INSUFFICIENT') throw insufficient(amountMinor);
  }

  /** The booking's reservation back to its student (cancelled); the amount released (0 when none, or already). */
  async release(studentId: string, bookingId: string): Promise<number> {
    return (await this.ledger.settle(studentId, bookingId, 0)).releasedMinor;
  }

  /** The booking's reservation spent (captured); the amount spent (0 when none, or already). */
  async spend(studentId: string, bookingId: string): Promise<number> {
    return (await this.ledger.settle(studentId, bookingId, Number.MAX_SAFE_INTEGER)).spentMinor;
  }

  /** The expiry job's pass: what is left of expired lots goes to the expiry account. */
  expireDue(limit = 500): Promise<number> {
    return this.ledger.expireDue(this.clock(), limit);
  }
}

const insufficient = (amountMinor: number) =>
  new BookingError(BookingErrorCode.InsufficientCredits, 'Not enough credits', { amountMinor });
