/** Where a lot of credits came from. */
export type CreditSource = 'GRANT' | 'GOODWILL' | 'REFERRAL' | 'REFUND';

/** What a ledger transaction did, as the student's history shows it. */
export type CreditTransactionKind = 'GRANT' | 'REVOKE' | 'RESERVE' | 'RELEASE' | 'SPEND' | 'EXPIRE';

/** A lot of credits: an amount granted at once, with its expiry; spending takes the soonest-expiring first. */
export interface CreditLot {
  id: string;
  studentId: string;
  source: CreditSource;
  grantedMinor: number;
  /** What is left of it on the student's account (reserved credits are not). */
  remainingMinor: number;
  currency: string;
  reason: string | null;
  expiresAt: Date;
  createdAt: Date;
}

/** One entry of a student's history: the change a transaction made to their available credits. */
export interface CreditEntry {
  id: string;
  kind: CreditTransactionKind;
  /** Signed: what the transaction added to (or took from) the available balance. */
  amountMinor: number;
  bookingId: string | null;
  reason: string | null;
  at: Date;
}

export interface StudentCredits {
  currency: string;
  balanceMinor: number;
  reservedMinor: number;
  lots: CreditLot[];
  history: CreditEntry[];
}

/** Ledger accounts (see the credits migration). */
export const CreditAccount = {
  student: (studentId: string) => `student:${studentId}`,
  reserved: (bookingId: string) => `reserved:${bookingId}`,
  grants: 'platform:grants',
  spent: 'platform:spent',
  expired: 'platform:expired',
  revoked: 'platform:revoked',
} as const;

/** The ledger move that reserves a student's credits for a booking. */
export const reservation = (studentId: string, bookingId: string) =>
  ({ kind: 'RESERVE', studentId, bookingId, reason: null, actor: null, from: CreditAccount.student(studentId), to: CreditAccount.reserved(bookingId) }) as const;
