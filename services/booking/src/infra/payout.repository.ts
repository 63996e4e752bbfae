import type { NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { NewPayout, PayoutChange, PayoutPageKey, PayoutRepository, PayoutUnitOfWork } from '../domain/payout.ports';
import type { Payout, PayoutMethod, PayoutStatus } from '../domain/payout.types';

interface PayoutRow {
  id: string;
  instructor_id: string;
  stripe_account_id: string;
  stripe_payout_id: string | null;
  method: PayoutMethod;
  status: PayoutStatus;
  amount_minor: string;
  fee_minor: string;
  currency: string;
  idempotency_key: string | null;
  arrival_at: Date | null;
  failure_code: string | null;
  failure_message: string | null;
  requested_at: Date;
  paid_at: Date | null;
  failed_at: Date | null;
  version: number;
  updated_at: Date;
}

const COLUMNS = `id, instructor_id, stripe_account_id, stripe_payout_id, method, status, amount_minor, fee_minor, currency, idempotency_key,
  arrival_at, failure_code, failure_message, requested_at, paid_at, failed_at, version, updated_at`;

function payoutOf(row: PayoutRow): Payout {
  return {
    id: row.id,
    instructorId: row.instructor_id,
    stripeAccountId: row.stripe_account_id,
    stripePayoutId: row.stripe_payout_id,
    method: row.method,
    status: row.status,
    amountMinor: Number(row.amount_minor),
    feeMinor: Number(row.fee_minor),
    currency: row.currency,
    idempotencyKey: row.idempotency_key,
    arrivalAt: row.arrival_at,
    failure: row.failure_code ? { code: row.failure_code, message: row.failure_message ?? '' } : null,
    requestedAt: row.requested_at,
    paidAt: row.paid_at,
    failedAt: row.failed_at,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

const INSERT = `insert into instructor_payout (id, instructor_id, stripe_account_id, stripe_payout_id, method, status, amount_minor, fee_minor, currency,
    idempotency_key, arrival_at, failure_code, failure_message, requested_at, paid_at, failed_at)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

const insertValues = (p: NewPayout) => [
  p.id,
  p.instructorId,
  p.stripeAccountId,
  p.stripePayoutId,
  p.method,
  p.status,
  p.amountMinor,
  p.feeMinor,
  p.currency,
  p.idempotencyKey,
  p.arrivalAt,
  p.failure?.code.slice(0, 100) ?? null,
  p.failure?.message.slice(0, 500) ?? null,
  p.requestedAt,
  p.paidAt ?? null,
  p.failedAt ?? null,
];

class PostgresPayoutUnitOfWork implements PayoutUnitOfWork {
  constructor(
    private readonly tx: Sql,
    private readonly outbox: Outbox,
  ) {}

  async lockPayout(id: string): Promise<Payout | null> {
    const [row] = await this.tx.query<PayoutRow>(`select ${COLUMNS} from instructor_payout where id = $1 for update`, [id]);
    return row ? payoutOf(row) : null;
  }

  async lockByStripeId(stripePayoutId: string): Promise<Payout | null> {
    const [row] = await this.tx.query<PayoutRow>(`select ${COLUMNS} from instructor_payout where stripe_payout_id = $1 for update`, [stripePayoutId]);
    return row ? payoutOf(row) : null;
  }

  async insert(payout: NewPayout): Promise<Payout> {
    const [row] = await this.tx.query<PayoutRow>(`${INSERT} returning ${COLUMNS}`, insertValues(payout));
    return payoutOf(row!);
  }

  async update(payout: Payout, change: PayoutChange): Promise<Payout | null> {
    const columns: [string, unknown][] = [];
    if (change.status !== undefined) columns.push(['status', change.status]);
    if (change.stripePayoutId !== undefined) columns.push(['stripe_payout_id', change.stripePayoutId]);
    if (change.arrivalAt !== undefined) columns.push(['arrival_at', change.arrivalAt]);
    if (change.paidAt !== undefined) columns.push(['paid_at', change.paidAt]);
    if (change.failedAt !== undefined) columns.push(['failed_at', change.failedAt]);
    if (change.failure !== undefined) columns.push(['failure_code', change.failure?.code.slice(0, 100) ?? null], ['failure_message', change.failure?.message.slice(0, 500) ?? null]);
    const sets = columns.map(([column], i) => `${column} = $${i + 3}`);
    const [row] = await this.tx.query<PayoutRow>(
      `update instructor_payout set ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} where id = $1 and version = $2 returning ${COLUMNS}`,
      [payout.id, payout.version, ...columns.map(([, value]) => value)],
    );
    return row ? payoutOf(row) : null;
  }

  async publish(event: NewEvent<object>): Promise<void> {
    await this.outbox.append(this.tx, event);
  }
}

export class PostgresPayoutRepository implements PayoutRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async instructorOfUser(userId: string): Promise<string | null> {
    const [row] = await this.db.query<{ instructor_id: string }>(`select instructor_id from instructor_offering where user_id = $1 limit 1`, [userId], { prepare: true });
    return row?.instructor_id ?? null;
  }

  async instructorOfAccount(stripeAccountId: string): Promise<string | null> {
    const [row] = await this.db.query<{ instructor_id: string }>(`select instructor_id from instructor_payout_account where stripe_account_id = $1 limit 1`, [stripeAccountId]);
    return row?.instructor_id ?? null;
  }

  async totals(instructorId: string, currency: string): Promise<{ paidOutMinor: number; inTransitMinor: number }> {
    const [row] = await this.db.query<{ paid: string; moving: string }>(
      `select coalesce(sum(amount_minor) filter (where status = 'PAID'), 0) as paid,
              coalesce(sum(amount_minor) filter (where status in ('REQUESTED', 'PENDING', 'IN_TRANSIT')), 0) as moving
         from instructor_payout where instructor_id = $1 and currency = $2`,
      [instructorId, currency],
    );
    return { paidOutMinor: Number(row?.paid ?? 0), inTransitMinor: Number(row?.moving ?? 0) };
  }

  async findByKey(instructorId: string, idempotencyKey: string): Promise<Payout | null> {
    const [row] = await this.db.query<PayoutRow>(`select ${COLUMNS} from instructor_payout where instructor_id = $1 and idempotency_key = $2`, [instructorId, idempotencyKey]);
    return row ? payoutOf(row) : null;
  }

  async insertRequested(payout: NewPayout): Promise<Payout | 'IN_PROGRESS' | 'KEY_TAKEN'> {
    // Either unique index (the key, one request in flight) turns the insert into nothing; which one is then told apart.
    const [row] = await this.db.query<PayoutRow>(`${INSERT} on conflict do nothing returning ${COLUMNS}`, insertValues(payout));
    if (row) return payoutOf(row);
    if (payout.idempotencyKey && (await this.findByKey(payout.instructorId, payout.idempotencyKey))) return 'KEY_TAKEN';
    return 'IN_PROGRESS';
  }

  async discard(id: string): Promise<void> {
    await this.db.execute(`delete from instructor_payout where id = $1 and status = 'REQUESTED'`, [id]);
  }

  async page(instructorId: string, after: PayoutPageKey | null, limit: number): Promise<Payout[]> {
    const rows = after
      ? await this.db.query<PayoutRow>(
          `select ${COLUMNS} from instructor_payout where instructor_id = $1 and (requested_at, id) < ($2::timestamptz, $3::uuid)
            order by requested_at desc, id desc limit $4`,
          [instructorId, after.requestedAt, after.id, limit],
        )
      : await this.db.query<PayoutRow>(`select ${COLUMNS} from instructor_payout where instructor_id = $1 order by requested_at desc, id desc limit $2`, [instructorId, limit]);
    return rows.map(payoutOf);
  }

  async stuckRequests(before: Date, limit: number): Promise<Payout[]> {
    const rows = await this.db.query<PayoutRow>(`select ${COLUMNS} from instructor_payout where status = 'REQUESTED' and requested_at < $1 order by requested_at limit $2`, [before, limit]);
    return rows.map(payoutOf);
  }

  async unsettled(before: Date, limit: number): Promise<Payout[]> {
    const rows = await this.db.query<PayoutRow>(
      `select ${COLUMNS} from instructor_payout where status in ('PENDING', 'IN_TRANSIT') and updated_at < $1 order by updated_at limit $2`,
      [before, limit],
    );
    return rows.map(payoutOf);
  }

  transaction<T>(work: (unitOfWork: PayoutUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresPayoutUnitOfWork(tx, this.outbox)));
  }
}
