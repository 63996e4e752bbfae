import type { CreditLot, CreditSource, CreditTransactionKind, StudentCredits } from './credits.types';

export interface NewCreditLot {
  id: string;
  studentId: string;
  source: CreditSource;
  amountMinor: number;
  currency: string;
  reason: string | null;
  grantedBy: string | null;
  expiresAt: Date;
  /** The booking it is for (a goodwill credit). */
  bookingId?: string | null;
}

/** A movement of credits out of one account into another, lot by lot (one transaction of the ledger). */
export interface CreditMove {
  kind: CreditTransactionKind;
  studentId: string;
  bookingId: string | null;
  reason: string | null;
  actor: string | null;
  from: string;
  to: string;
}

export interface CreditLedger {
  /** Records a lot and its grant (platform:grants → the student). */
  grant(lot: NewCreditLot): Promise<CreditLot>;
  /**
   * Moves `amountMinor` of the student's available credits, soonest-expiring lots first (lots
   * expired at `now` left out), to `move.to`; INSUFFICIENT (nothing written) when there is not
   * that much. Serialised per student; the database refuses any posting that would leave an
   * account below zero.
   */
  take(move: CreditMove, amountMinor: number, now: Date): Promise<{ takenMinor: number } | 'INSUFFICIENT'>;
  /** Settles a booking's reservation: `spendMinor` of it spent, the rest back to the student; an empty reservation moves nothing. */
  settle(studentId: string, bookingId: string, spendMinor: number): Promise<{ spentMinor: number; releasedMinor: number }>;
  /** Posts what is left of lots expired at `now` to platform:expired (at most `limit` students); how many lots. */
  expireDue(now: Date, limit: number): Promise<number>;
  /** The student's credits available at `now` (lots not expired, reservations not counted). */
  available(studentId: string, now: Date): Promise<number>;
  studentCredits(studentId: string, currency: string, now: Date, historyLimit: number): Promise<StudentCredits>;
}
