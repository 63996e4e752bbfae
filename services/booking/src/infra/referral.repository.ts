import type { NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { NewCreditLot } from '../domain/credits.ports';
import { referralFact } from '../domain/referral.events';
import type { NewReferral, ReferralRepository } from '../domain/referrals.ports';
import type { Referral, ReferralStatus, ReferralVoidReason } from '../domain/referrals.types';
import { grantLot } from './credit.repository';

interface ReferralRow {
  id: string;
  code: string;
  referrer_user_id: string;
  referee_user_id: string;
  status: ReferralStatus;
  referee_credit_minor: number;
  reward_minor: number;
  currency: string;
  first_booking_id: string | null;
  reward_due_at: Date | null;
  rewarded_at: Date | null;
  void_reason: ReferralVoidReason | null;
  created_at: Date;
}

const referralOf = (row: ReferralRow): Referral => ({
  id: row.id,
  code: row.code,
  referrerId: row.referrer_user_id,
  refereeId: row.referee_user_id,
  status: row.status,
  refereeCreditMinor: row.referee_credit_minor,
  rewardMinor: row.reward_minor,
  currency: row.currency,
  firstBookingId: row.first_booking_id,
  rewardDueAt: row.reward_due_at,
  rewardedAt: row.rewarded_at,
  voidReason: row.void_reason,
  createdAt: row.created_at,
});

type Publish = (event: NewEvent<object>) => Promise<unknown>;

/** The referrer's referrals not voided: what their allowance counts. */
async function activeReferrals(sql: Sql, referrerId: string): Promise<number> {
  const [row] = await sql.query<{ n: number }>(`select count(*)::int as n from referral where referrer_user_id = $1 and status <> 'VOIDED'`, [referrerId]);
  return row?.n ?? 0;
}

/** Whether the student ever booked a lesson (a new student has not). */
async function hasBookedIn(sql: Sql, studentId: string): Promise<boolean> {
  return (await sql.query(`select 1 from booking where student_user_id = $1 limit 1`, [studentId])).length > 0;
}

/**
 * In the capture's transaction: the referee's first lesson was completed and charged, so their
 * PENDING referral starts its dispute window (QUALIFYING until `dueAt`), with `referral.qualified`.
 * A referral already past PENDING (a later lesson) is left as it is.
 */
export async function qualifyReferral(tx: Sql, publish: Publish, refereeId: string, bookingId: string, dueAt: Date, at: Date): Promise<void> {
  const [row] = await tx.query<ReferralRow>(
    `update referral set status = 'QUALIFYING', first_booking_id = $2, reward_due_at = $3, updated_at = $4
      where referee_user_id = $1 and status = 'PENDING' returning *`,
    [refereeId, bookingId, dueAt, at],
  );
  if (row) await publish(referralFact('referral.qualified', referralOf(row), at));
}

/** In a refund's transaction: the referral whose first lesson this is, not yet rewarded, is voided (`referral.voided`). */
export async function voidReferralOfBooking(tx: Sql, publish: Publish, bookingId: string, reason: ReferralVoidReason, at: Date): Promise<void> {
  const [row] = await tx.query<ReferralRow>(
    `update referral set status = 'VOIDED', void_reason = $2, updated_at = $3
      where first_booking_id = $1 and status in ('PENDING', 'QUALIFYING') returning *`,
    [bookingId, reason, at],
  );
  if (row) await publish(referralFact('referral.voided', referralOf(row), at));
}

export class PostgresReferralRepository implements ReferralRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async codeOf(studentId: string): Promise<string | null> {
    const [row] = await this.db.query<{ code: string }>(`select code from referral_code where student_user_id = $1`, [studentId]);
    return row?.code ?? null;
  }

  async saveCode(studentId: string, code: string): Promise<string | 'CODE_TAKEN'> {
    const [row] = await this.db.query<{ code: string }>(
      `with saved as (insert into referral_code (student_user_id, code) values ($1, $2) on conflict do nothing returning code)
       select code from saved union all select code from referral_code where student_user_id = $1 limit 1`,
      [studentId, code],
    );
    return row?.code ?? 'CODE_TAKEN';
  }

  async ownerOfCode(code: string): Promise<string | null> {
    const [row] = await this.db.query<{ student_user_id: string }>(`select student_user_id from referral_code where code = $1`, [code]);
    return row?.student_user_id ?? null;
  }

  async referralOfReferee(refereeId: string): Promise<Referral | null> {
    const [row] = await this.db.query<ReferralRow>(`select * from referral where referee_user_id = $1`, [refereeId]);
    return row ? referralOf(row) : null;
  }

  async referralsOf(referrerId: string, limit: number): Promise<Referral[]> {
    const rows = await this.db.query<ReferralRow>(`select * from referral where referrer_user_id = $1 order by created_at desc, id desc limit $2`, [referrerId, limit]);
    return rows.map(referralOf);
  }

  countActive(referrerId: string): Promise<number> {
    return activeReferrals(this.db, referrerId);
  }

  hasBooked(studentId: string): Promise<boolean> {
    return hasBookedIn(this.db, studentId);
  }

  redeem(referral: NewReferral, maxActive: number, at: Date): Promise<Referral | 'LIMIT' | 'ALREADY' | 'NOT_NEW'> {
    return this.db.transaction(async (tx) => {
      await tx.query(`select 1 from referral_code where code = $1 for update`, [referral.code]);
      if ((await activeReferrals(tx, referral.referrerId)) >= maxActive) return 'LIMIT' as const;
      if (await hasBookedIn(tx, referral.refereeId)) return 'NOT_NEW' as const;
      const [row] = await tx.query<ReferralRow>(
        `insert into referral (id, code, referrer_user_id, referee_user_id, status, referee_credit_minor, reward_minor, currency, created_at, updated_at)
         values ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $8) on conflict (referee_user_id) do nothing returning *`,
        [referral.id, referral.code, referral.referrerId, referral.refereeId, referral.refereeCreditMinor, referral.rewardMinor, referral.currency, at],
      );
      if (!row) return 'ALREADY' as const;
      const publish = (event: NewEvent<object>) => this.outbox.append(tx, event);
      if (referral.refereeCreditMinor > 0) await grantLot(tx, publish, referral.refereeLot);
      const redeemed = referralOf(row);
      await publish(referralFact('referral.redeemed', redeemed, at));
      return redeemed;
    });
  }

  async due(now: Date, limit: number): Promise<Referral[]> {
    const rows = await this.db.query<ReferralRow>(`select * from referral where status = 'QUALIFYING' and reward_due_at <= $1 order by reward_due_at limit $2`, [now, limit]);
    return rows.map(referralOf);
  }

  async paymentOfBooking(bookingId: string): Promise<{ paymentMethodId: string | null; status: string } | null> {
    const [row] = await this.db.query<{ payment_method_id: string | null; status: string }>(`select payment_method_id, status from booking_payment where booking_id = $1`, [bookingId]);
    return row ? { paymentMethodId: row.payment_method_id, status: row.status } : null;
  }

  reward(referralId: string, lot: NewCreditLot, at: Date): Promise<Referral | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ReferralRow>(
        `update referral set status = 'REWARDED', rewarded_at = $2, updated_at = $2 where id = $1 and status = 'QUALIFYING' returning *`,
        [referralId, at],
      );
      if (!row) return null;
      const publish = (event: NewEvent<object>) => this.outbox.append(tx, event);
      if (lot.amountMinor > 0) await grantLot(tx, publish, lot);
      const rewarded = referralOf(row);
      await publish(referralFact('referral.rewarded', rewarded, at));
      return rewarded;
    });
  }

  void(referralId: string, reason: ReferralVoidReason, at: Date): Promise<Referral | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ReferralRow>(
        `update referral set status = 'VOIDED', void_reason = $2, updated_at = $3 where id = $1 and status in ('PENDING', 'QUALIFYING') returning *`,
        [referralId, reason, at],
      );
      if (!row) return null;
      const voided = referralOf(row);
      await this.outbox.append(tx, referralFact('referral.voided', voided, at));
      return voided;
    });
  }
}
