import { randomUUID } from 'node:crypto';
import { CreditEventType, type NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { CreditLedger, CreditMove, NewCreditLot } from '../domain/credits.ports';
import { CreditAccount, type CreditEntry, type CreditLot, type CreditSource, type CreditTransactionKind, type StudentCredits } from '../domain/credits.types';

interface LotRow {
  id: string;
  student_user_id: string;
  source: CreditSource;
  amount_minor: number;
  currency: string;
  reason: string | null;
  expires_at: Date;
  created_at: Date;
  remaining: number | string;
}

const lotOf = (row: LotRow): CreditLot => ({
  id: row.id,
  studentId: row.student_user_id,
  source: row.source,
  grantedMinor: row.amount_minor,
  remainingMinor: Number(row.remaining),
  currency: row.currency,
  reason: row.reason,
  expiresAt: row.expires_at,
  createdAt: row.created_at,
});

/** Serialises the transactions that read and spend one account (the database's own check stays the guard). */
const lockAccount = (tx: Sql, account: string) => tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [account], { prepare: true });

const EVENT_OF_KIND: Record<CreditTransactionKind, (typeof CreditEventType)[keyof typeof CreditEventType]> = {
  GRANT: CreditEventType.Granted,
  REVOKE: CreditEventType.Revoked,
  RESERVE: CreditEventType.Reserved,
  RELEASE: CreditEventType.Released,
  SPEND: CreditEventType.Spent,
  EXPIRE: CreditEventType.Expired,
};

type Posting = { account: string; lotId: string; amount: number };

/**
 * Records a transaction and its postings (one statement: the database checks they sum to zero),
 * and appends its `credit.*` event to the outbox in the same transaction.
 */
type Publish = (event: NewEvent<object>) => Promise<unknown>;

async function post(tx: Sql, publish: Publish, currency: string, move: Pick<CreditMove, 'kind' | 'studentId' | 'bookingId' | 'reason' | 'actor'>, postings: Posting[]): Promise<string> {
  const id = randomUUID();
  // One statement: the database's check that the postings sum to zero runs at its end.
  await tx.execute(
    `with t as (insert into credit_transaction (id, kind, student_user_id, booking_id, reason, actor) values ($1, $2, $3, $4, $5, $6) returning id)
     insert into credit_posting (transaction_id, account, lot_id, amount_minor)
     select t.id, p.account, p.lot_id, p.amount from t, unnest($7::text[], $8::uuid[], $9::int[]) as p (account, lot_id, amount)`,
    [id, move.kind, move.studentId, move.bookingId, move.reason, move.actor, postings.map((p) => p.account), postings.map((p) => p.lotId), postings.map((p) => p.amount)],
    { prepare: true },
  );
  const student = CreditAccount.student(move.studentId);
  const now = new Date();
  await publish({
    type: EVENT_OF_KIND[move.kind],
    aggregateId: move.studentId,
    occurredAt: now,
    payload: {
      transactionId: id,
      kind: move.kind,
      studentUserId: move.studentId,
      bookingId: move.bookingId,
      amountMinor: postings.filter((p) => p.account === student).reduce((sum, p) => sum + p.amount, 0),
      currency,
      lots: postings.filter((p) => p.amount > 0).map((p) => ({ lotId: p.lotId, amountMinor: p.amount })),
      reason: move.reason,
      occurredAt: now.toISOString(),
    },
  });
  return id;
}

/** Each lot's balance on an account (positive ones), soonest-expiring first. */
async function balancesOf(tx: Sql, account: string, notExpiredAt: Date | null): Promise<{ lotId: string; balance: number }[]> {
  const rows = await tx.query<{ lot_id: string; balance: string }>(
    `select p.lot_id, sum(p.amount_minor) as balance from credit_posting p join credit_lot l on l.id = p.lot_id
      where p.account = $1 and ($2::timestamptz is null or l.expires_at > $2)
      group by p.lot_id, l.expires_at having sum(p.amount_minor) > 0
      order by l.expires_at, p.lot_id`,
    [account, notExpiredAt],
    { prepare: true },
  );
  return rows.map((r) => ({ lotId: r.lot_id, balance: Number(r.balance) }));
}

/** Records a lot and its grant (platform:grants → the student) in the caller's transaction, with its event. */
export async function grantLot(tx: Sql, publish: Publish, lot: NewCreditLot): Promise<CreditLot> {
  const [row] = await tx.query<LotRow>(
    `insert into credit_lot (id, student_user_id, amount_minor, currency, source, reason, granted_by, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8) returning *, amount_minor as remaining`,
    [lot.id, lot.studentId, lot.amountMinor, lot.currency, lot.source, lot.reason, lot.grantedBy, lot.expiresAt],
  );
  await post(tx, publish, lot.currency, { kind: 'GRANT', studentId: lot.studentId, bookingId: lot.bookingId ?? null, reason: lot.reason, actor: lot.grantedBy }, [
    { account: CreditAccount.grants, lotId: lot.id, amount: -lot.amountMinor },
    { account: CreditAccount.student(lot.studentId), lotId: lot.id, amount: lot.amountMinor },
  ]);
  return lotOf(row!);
}

/**
 * Moves `amountMinor` of an account's credits, soonest-expiring lots first (lots expired at `now`
 * left out when given), to `move.to`, in the caller's transaction, the account locked until it
 * ends; INSUFFICIENT (nothing written) when it has not that much.
 */
export async function takeCredits(tx: Sql, publish: Publish, currency: string, move: CreditMove, amountMinor: number, now: Date | null): Promise<{ takenMinor: number } | 'INSUFFICIENT'> {
  await lockAccount(tx, move.from);
  let left = amountMinor;
  const postings: Posting[] = [];
  for (const { lotId, balance } of await balancesOf(tx, move.from, now)) {
    if (left === 0) break;
    const take = Math.min(balance, left);
    postings.push({ account: move.from, lotId, amount: -take }, { account: move.to, lotId, amount: take });
    left -= take;
  }
  if (left > 0) return 'INSUFFICIENT';
  if (postings.length) await post(tx, publish, currency, move, postings);
  return { takenMinor: amountMinor };
}

/**
 * Settles a booking's reservation in the caller's transaction: `spendMinor` of it spent
 * (platform:spent, soonest-expiring lots first), the rest released to the student. Whatever the
 * reservation no longer holds is not moved again, so settling twice (a redelivered capture or
 * cancellation) changes nothing. Answers what was spent and released.
 */
export async function settleReservation(tx: Sql, publish: Publish, currency: string, studentId: string, bookingId: string, spendMinor: number): Promise<{ spentMinor: number; releasedMinor: number }> {
  const reserved = CreditAccount.reserved(bookingId);
  await lockAccount(tx, reserved);
  const balances = await balancesOf(tx, reserved, null);
  const held = balances.reduce((sum, b) => sum + b.balance, 0);
  if (held === 0) return { spentMinor: 0, releasedMinor: 0 };
  const spend = Math.min(spendMinor, held);
  const base = { studentId, bookingId, reason: null, actor: null };
  if (spend > 0) await takeCredits(tx, publish, currency, { ...base, kind: 'SPEND', from: reserved, to: CreditAccount.spent }, spend, null);
  if (held - spend > 0) await takeCredits(tx, publish, currency, { ...base, kind: 'RELEASE', from: reserved, to: CreditAccount.student(studentId) }, held - spend, null);
  return { spentMinor: spend, releasedMinor: held - spend };
}

export class PostgresCreditLedger implements CreditLedger {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
    private readonly currency: string,
  ) {}

  grant(lot: NewCreditLot): Promise<CreditLot> {
    return this.db.transaction((tx) => grantLot(tx, (event) => this.outbox.append(tx, event), lot));
  }

  take(move: CreditMove, amountMinor: number, now: Date): Promise<{ takenMinor: number } | 'INSUFFICIENT'> {
    return this.db.transaction((tx) => takeCredits(tx, (event) => this.outbox.append(tx, event), this.currency, move, amountMinor, now));
  }

  settle(studentId: string, bookingId: string, spendMinor: number): Promise<{ spentMinor: number; releasedMinor: number }> {
    return this.db.transaction((tx) => settleReservation(tx, (event) => this.outbox.append(tx, event), this.currency, studentId, bookingId, spendMinor));
  }

  async expireDue(now: Date, limit: number): Promise<number> {
    const due = await this.db.query<{ student_user_id: string }>(
      `select distinct l.student_user_id from credit_lot l
        where l.expires_at <= $1
          and (select coalesce(sum(p.amount_minor), 0) from credit_posting p where p.lot_id = l.id and p.account = 'student:' || l.student_user_id) > 0
        limit $2`,
      [now, limit],
    );
    let lots = 0;
    for (const { student_user_id: studentId } of due) {
      lots += await this.db.transaction(async (tx) => {
        const account = CreditAccount.student(studentId);
        await lockAccount(tx, account);
        const expired = await tx.query<{ lot_id: string; balance: string }>(
          `select p.lot_id, sum(p.amount_minor) as balance from credit_posting p join credit_lot l on l.id = p.lot_id
            where p.account = $1 and l.expires_at <= $2 group by p.lot_id having sum(p.amount_minor) > 0`,
          [account, now],
        );
        if (!expired.length) return 0;
        await post(
          tx,
          (event) => this.outbox.append(tx, event),
          this.currency,
          { kind: 'EXPIRE', studentId, bookingId: null, reason: 'Credits expired', actor: null },
          expired.flatMap((e) => [
            { account, lotId: e.lot_id, amount: -Number(e.balance) },
            { account: CreditAccount.expired, lotId: e.lot_id, amount: Number(e.balance) },
          ]),
        );
        return expired.length;
      });
    }
    return lots;
  }

  async available(studentId: string, now: Date): Promise<number> {
    const [row] = await this.db.query<{ balance: string | null }>(
      `select sum(p.amount_minor) as balance from credit_posting p join credit_lot l on l.id = p.lot_id where p.account = $1 and l.expires_at > $2`,
      [CreditAccount.student(studentId), now],
      { prepare: true },
    );
    return Number(row?.balance ?? 0);
  }

  async studentCredits(studentId: string, currency: string, now: Date, historyLimit: number): Promise<StudentCredits> {
    const account = CreditAccount.student(studentId);
    const [lots, reserved, history] = await Promise.all([
      this.db.query<LotRow>(
        `select l.*, coalesce((select sum(p.amount_minor) from credit_posting p where p.lot_id = l.id and p.account = $2), 0) as remaining
           from credit_lot l where l.student_user_id = $1 and l.expires_at > $3 order by l.expires_at, l.id`,
        [studentId, account, now],
      ),
      this.db.query<{ reserved: string | null }>(
        `select sum(p.amount_minor) as reserved from credit_posting p join credit_lot l on l.id = p.lot_id
          where l.student_user_id = $1 and p.account like 'reserved:%'`,
        [studentId],
      ),
      this.db.query<{ id: string; kind: CreditTransactionKind; booking_id: string | null; reason: string | null; created_at: Date; amount: string }>(
        `select t.id, t.kind, t.booking_id, t.reason, t.created_at,
                coalesce((select sum(p.amount_minor) from credit_posting p where p.transaction_id = t.id and p.account = $2), 0) as amount
           from credit_transaction t where t.student_user_id = $1 order by t.created_at desc, t.id desc limit $3`,
        [studentId, account, historyLimit],
      ),
    ]);
    // A lot counts until its expiry instant, whether or not the expiry job has posted it yet.
    const current = lots.map(lotOf);
    return {
      currency,
      balanceMinor: current.reduce((sum, lot) => sum + lot.remainingMinor, 0),
      reservedMinor: Number(reserved[0]?.reserved ?? 0),
      lots: current.filter((lot) => lot.remainingMinor > 0),
      history: history.map((h): CreditEntry => ({ id: h.id, kind: h.kind, amountMinor: Number(h.amount), bookingId: h.booking_id, reason: h.reason, at: h.created_at })),
    };
  }
}
