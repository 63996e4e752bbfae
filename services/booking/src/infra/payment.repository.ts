import type { NewEvent } from '@instainstru/events';
import type { Database, Sql } from '@instainstru/platform';
import type { PaymentChange, PaymentRepository, PaymentUnitOfWork } from '../domain/payment.ports';
import type { BookingRepository } from '../domain/booking.ports';
import type { Booking, BookingTransition } from '../domain/booking.types';
import type { Payment, PaymentStatus, Refund } from '../domain/payment.types';
import { parseTiers, type CancellationPolicy } from '../domain/cancellation.rules';
import type { NewCreditLot } from '../domain/credits.ports';
import { grantLot, settleReservation } from './credit.repository';
import { qualifyReferral, voidReferralOfBooking } from './referral.repository';
import type { ReferralVoidReason } from '../domain/referrals.types';

/** The booking side of the transaction the payment's writes share. */
interface BookingWrites {
  findById(id: string): Promise<Booking | null>;
  transition(id: string, change: BookingTransition): Promise<Booking | null>;
  publish(event: NewEvent<object>): Promise<void>;
}

interface PaymentRow {
  booking_id: string;
  status: PaymentStatus;
  student_user_id: string;
  stripe_customer_id: string | null;
  payment_method_id: string | null;
  amount_minor: number;
  credit_minor: number;
  platform_fee_minor: number;
  platform_transfer_id: string | null;
  credit_transfer_attempt: number;
  credit_instead_minor: number;
  refunded_minor: number;
  refunded_credit_minor: number;
  platform_transfer_reversed_minor: number;
  currency: string;
  application_fee_minor: number;
  destination_account: string;
  authorize_at: Date;
  action_deadline: Date;
  attempt: number;
  next_attempt_at: Date | null;
  payment_intent_id: string | null;
  authorized_amount_minor: number | null;
  captured_amount_minor: number | null;
  capture_amount_minor: number | null;
  capture_fee_minor: number | null;
  capture_before: Date | null;
  authorized_at: Date | null;
  captured_at: Date | null;
  voided_at: Date | null;
  failure_code: string | null;
  failure_message: string | null;
  action_type: 'AUTHENTICATE' | 'NEW_PAYMENT_METHOD' | null;
  action_client_secret: string | null;
  version: number;
  updated_at: Date;
}

export const PAYMENT_COLUMNS = `booking_id, status, student_user_id, stripe_customer_id, payment_method_id, amount_minor, credit_minor, platform_fee_minor, platform_transfer_id, credit_transfer_attempt,
  credit_instead_minor, refunded_minor, refunded_credit_minor, platform_transfer_reversed_minor, currency,
  application_fee_minor, destination_account, authorize_at, action_deadline, attempt, next_attempt_at, payment_intent_id,
  authorized_amount_minor, captured_amount_minor, capture_amount_minor, capture_fee_minor, capture_before, authorized_at, captured_at, voided_at, failure_code,
  failure_message, action_type, action_client_secret, version, updated_at`;

export function paymentOf(row: PaymentRow): Payment {
  return {
    bookingId: row.booking_id,
    status: row.status,
    studentId: row.student_user_id,
    customerId: row.stripe_customer_id,
    paymentMethodId: row.payment_method_id,
    amountMinor: row.amount_minor,
    creditMinor: row.credit_minor,
    platformFeeMinor: row.platform_fee_minor,
    platformTransferId: row.platform_transfer_id,
    creditTransferAttempt: row.credit_transfer_attempt,
    creditInsteadMinor: row.credit_instead_minor,
    refundedMinor: row.refunded_minor,
    refundedCreditMinor: row.refunded_credit_minor,
    platformTransferReversedMinor: row.platform_transfer_reversed_minor,
    currency: row.currency,
    applicationFeeMinor: row.application_fee_minor,
    destinationAccount: row.destination_account,
    authorizeAt: row.authorize_at,
    actionDeadline: row.action_deadline,
    attempt: row.attempt,
    nextAttemptAt: row.next_attempt_at,
    paymentIntentId: row.payment_intent_id,
    authorizedAmountMinor: row.authorized_amount_minor,
    capturedAmountMinor: row.captured_amount_minor,
    captureAmountMinor: row.capture_amount_minor,
    captureFeeMinor: row.capture_fee_minor,
    captureBefore: row.capture_before,
    authorizedAt: row.authorized_at,
    capturedAt: row.captured_at,
    voidedAt: row.voided_at,
    failure: row.failure_code ? { code: row.failure_code, message: row.failure_message ?? '' } : null,
    action: row.action_type ? { type: row.action_type, clientSecret: row.action_client_secret } : null,
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** Each changeable field's column(s): failure and action are two columns each. */
function columnsOf(change: PaymentChange): [string, unknown][] {
  const out: [string, unknown][] = [];
  const simple: Record<string, string> = {
    status: 'status',
    paymentMethodId: 'payment_method_id',
    amountMinor: 'amount_minor',
    currency: 'currency',
    applicationFeeMinor: 'application_fee_minor',
    destinationAccount: 'destination_account',
    authorizeAt: 'authorize_at',
    actionDeadline: 'action_deadline',
    attempt: 'attempt',
    nextAttemptAt: 'next_attempt_at',
    paymentIntentId: 'payment_intent_id',
    authorizedAmountMinor: 'authorized_amount_minor',
    capturedAmountMinor: 'captured_amount_minor',
    captureAmountMinor: 'capture_amount_minor',
    captureFeeMinor: 'capture_fee_minor',
    platformTransferId: 'platform_transfer_id',
    creditTransferAttempt: 'credit_transfer_attempt',
    creditInsteadMinor: 'credit_instead_minor',
    refundedMinor: 'refunded_minor',
    refundedCreditMinor: 'refunded_credit_minor',
    platformTransferReversedMinor: 'platform_transfer_reversed_minor',
    captureBefore: 'capture_before',
    authorizedAt: 'authorized_at',
    capturedAt: 'captured_at',
    voidedAt: 'voided_at',
  };
  for (const [key, value] of Object.entries(change)) {
    if (key === 'failure') {
      const f = value as Payment['failure'];
      out.push(['failure_code', f?.code.slice(0, 100) ?? null], ['failure_message', f?.message.slice(0, 500) ?? null]);
    } else if (key === 'action') {
      const a = value as Payment['action'];
      out.push(['action_type', a?.type ?? null], ['action_client_secret', a?.clientSecret ?? null]);
    } else if (simple[key]) {
      out.push([simple[key]!, value]);
    }
  }
  return out;
}

interface RefundRow {
  id: string;
  booking_id: string;
  status: Refund['status'];
  card_minor: number;
  credit_minor: number;
  transfer_reversal_minor: number;
  currency: string;
  reason: string;
  requested_by: string;
  stripe_refund_id: string | null;
  stripe_transfer_reversal_id: string | null;
  credit_lot_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: Date;
  settled_at: Date | null;
}

const refundOf = (row: RefundRow): Refund => ({
  id: row.id,
  bookingId: row.booking_id,
  status: row.status,
  cardMinor: row.card_minor,
  creditMinor: row.credit_minor,
  transferReversalMinor: row.transfer_reversal_minor,
  currency: row.currency,
  reason: row.reason,
  requestedBy: row.requested_by,
  stripeRefundId: row.stripe_refund_id,
  stripeTransferReversalId: row.stripe_transfer_reversal_id,
  creditLotId: row.credit_lot_id,
  failure: row.failure_code ? { code: row.failure_code, message: row.failure_message ?? '' } : null,
  createdAt: row.created_at,
  settledAt: row.settled_at,
});

const DUE: Record<'AUTHORIZE' | 'COMMAND' | 'DEADLINE', string> = {
  AUTHORIZE: `p.status = 'SCHEDULED' and p.authorize_at <= $1 order by p.authorize_at`,
  COMMAND: `p.status in ('AUTHORIZING', 'CAPTURING', 'VOIDING', 'REFUNDING') and p.next_attempt_at <= $1 order by p.next_attempt_at`,
  DEADLINE: `p.status in ('AUTHORIZING', 'ACTION_REQUIRED') and p.action_deadline <= $1 order by p.action_deadline`,
};

/** The cancellation policy version a booking was made under. */
async function policyOfBooking(sql: Sql, bookingId: string): Promise<CancellationPolicy> {
  const [row] = await sql.query<{ version: number; tiers: unknown; goodwill_credit_bps: number; credit_instead_bps: number | null }>(
    `select p.version, p.tiers, p.goodwill_credit_bps, p.credit_instead_bps from booking b join cancellation_policy p on p.version = b.cancellation_policy_version where b.id = $1`,
    [bookingId],
  );
  if (!row) throw new Error(`booking ${bookingId} has no cancellation policy`);
  return { version: row.version, tiers: parseTiers(row.tiers), goodwillCreditBps: row.goodwill_credit_bps, creditInsteadBps: row.credit_instead_bps };
}

export class PostgresPaymentUnitOfWork implements PaymentUnitOfWork {
  constructor(
    private readonly tx: Sql,
    private readonly bookings: BookingWrites,
  ) {}

  async lockPayment(bookingId: string): Promise<Payment | null> {
    // Booking first, then its payment: the order every transaction touching both takes (a booking
    // transition updates the booking, then its payment follows), so two of them never deadlock.
    await this.tx.query(`select 1 from booking where id = $1 for update`, [bookingId]);
    const [row] = await this.tx.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from booking_payment where booking_id = $1 for update`, [bookingId]);
    return row ? paymentOf(row) : null;
  }

  async updatePayment(payment: Payment, change: PaymentChange): Promise<Payment | null> {
    const columns = columnsOf(change);
    const sets = columns.map(([column], i) => `${column} = $${i + 3}`);
    const [row] = await this.tx.query<PaymentRow>(
      `with changed as (
         update booking_payment set ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
          where booking_id = $1 and version = $2 returning ${PAYMENT_COLUMNS}),
       booking_status as (
         update booking set payment_status = changed.status, updated_at = now() from changed
          where booking.id = changed.booking_id and booking.payment_status <> changed.status returning 1)
       select * from changed`,
      [payment.bookingId, payment.version, ...columns.map(([, value]) => value)],
    );
    return row ? paymentOf(row) : null;
  }

  async lockDue(kind: 'AUTHORIZE' | 'COMMAND' | 'DEADLINE', now: Date, limit: number): Promise<Payment[]> {
    // The booking is locked with its payment (booking before payment, as everywhere), skipping both when either is busy.
    const rows = await this.tx.query<PaymentRow>(
      `select p.* from booking_payment p join booking b on b.id = p.booking_id where ${DUE[kind]} limit $2 for update of b, p skip locked`,
      [now, limit],
    );
    return rows.map(paymentOf);
  }

  findBooking(id: string): Promise<Booking | null> {
    return this.bookings.findById(id);
  }

  cancellationPolicyOf(bookingId: string): Promise<CancellationPolicy> {
    return policyOfBooking(this.tx, bookingId);
  }

  async grantCredit(lot: NewCreditLot): Promise<void> {
    await grantLot(this.tx, (event) => this.bookings.publish(event), lot);
  }

  settleCredits(payment: Payment, spendMinor: number): Promise<{ spentMinor: number; releasedMinor: number }> {
    return settleReservation(this.tx, (event) => this.bookings.publish(event), payment.currency, payment.studentId, payment.bookingId, spendMinor);
  }

  async insertRefund(refund: Omit<Refund, 'status' | 'stripeRefundId' | 'stripeTransferReversalId' | 'creditLotId' | 'failure' | 'createdAt' | 'settledAt'>): Promise<Refund> {
    const [row] = await this.tx.query<RefundRow>(
      `insert into booking_refund (id, booking_id, status, card_minor, credit_minor, transfer_reversal_minor, currency, reason, requested_by)
       values ($1, $2, 'PENDING', $3, $4, $5, $6, $7, $8) returning *`,
      [refund.id, refund.bookingId, refund.cardMinor, refund.creditMinor, refund.transferReversalMinor, refund.currency, refund.reason, refund.requestedBy],
    );
    return refundOf(row!);
  }

  async lockPendingRefund(bookingId: string): Promise<Refund | null> {
    const [row] = await this.tx.query<RefundRow>(`select * from booking_refund where booking_id = $1 and status = 'PENDING' for update`, [bookingId]);
    return row ? refundOf(row) : null;
  }

  async settleRefund(id: string, change: Pick<Refund, 'status' | 'stripeRefundId' | 'stripeTransferReversalId' | 'creditLotId' | 'failure'> & { settledAt: Date }): Promise<Refund> {
    const [row] = await this.tx.query<RefundRow>(
      `update booking_refund set status = $2, stripe_refund_id = $3, stripe_transfer_reversal_id = $4, credit_lot_id = $5, failure_code = $6, failure_message = $7, settled_at = $8
        where id = $1 returning *`,
      [id, change.status, change.stripeRefundId, change.stripeTransferReversalId, change.creditLotId, change.failure?.code ?? null, change.failure?.message.slice(0, 500) ?? null, change.settledAt],
    );
    return refundOf(row!);
  }

  qualifyReferral(refereeId: string, bookingId: string, dueAt: Date, at: Date): Promise<void> {
    return qualifyReferral(this.tx, (event) => this.bookings.publish(event), refereeId, bookingId, dueAt, at);
  }

  voidReferralOf(bookingId: string, reason: ReferralVoidReason, at: Date): Promise<void> {
    return voidReferralOfBooking(this.tx, (event) => this.bookings.publish(event), bookingId, reason, at);
  }

  transitionBooking(id: string, change: BookingTransition): Promise<Booking | null> {
    return this.bookings.transition(id, change);
  }

  publish(event: NewEvent<object>): Promise<void> {
    return this.bookings.publish(event);
  }
}

export class PostgresPaymentRepository implements PaymentRepository {
  constructor(
    private readonly db: Database,
    private readonly bookings: BookingRepository,
  ) {}

  async customerOf(studentId: string): Promise<string | null> {
    const [row] = await this.db.query<{ stripe_customer_id: string }>(`select stripe_customer_id from payment_customer where student_user_id = $1`, [studentId]);
    return row?.stripe_customer_id ?? null;
  }

  async saveCustomer(studentId: string, customerId: string): Promise<string> {
    await this.db.execute(`insert into payment_customer (student_user_id, stripe_customer_id) values ($1, $2) on conflict do nothing`, [studentId, customerId]);
    return (await this.customerOf(studentId))!;
  }

  async findPayment(bookingId: string): Promise<Payment | null> {
    const [row] = await this.db.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from booking_payment where booking_id = $1`, [bookingId]);
    return row ? paymentOf(row) : null;
  }

  async paymentsOf(bookingIds: readonly string[]): Promise<Payment[]> {
    if (bookingIds.length === 0) return [];
    const rows = await this.db.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from booking_payment where booking_id = any($1::uuid[])`, [bookingIds]);
    return rows.map(paymentOf);
  }

  async providerEventSeen(eventId: string): Promise<boolean> {
    return (await this.db.query(`select 1 from stripe_webhook_event where event_id = $1`, [eventId])).length > 0;
  }

  async rememberProviderEvent(eventId: string, type: string): Promise<boolean> {
    return (await this.db.execute(`insert into stripe_webhook_event (event_id, type) values ($1, $2) on conflict do nothing`, [eventId, type])) === 1;
  }

  async unsettled(updatedBefore: Date, limit: number): Promise<Payment[]> {
    const rows = await this.db.query<PaymentRow>(
      `select ${PAYMENT_COLUMNS} from booking_payment
        where status in ('AUTHORIZING', 'ACTION_REQUIRED', 'AUTHORIZED', 'CAPTURING', 'VOIDING') and payment_intent_id is not null and updated_at < $1
        order by updated_at limit $2`,
      [updatedBefore, limit],
    );
    return rows.map(paymentOf);
  }

  cancellationPolicyOf(bookingId: string): Promise<CancellationPolicy> {
    return policyOfBooking(this.db, bookingId);
  }

  async paymentByIntent(paymentIntentId: string): Promise<Payment | null> {
    const [row] = await this.db.query<PaymentRow>(`select ${PAYMENT_COLUMNS} from booking_payment where payment_intent_id = $1`, [paymentIntentId]);
    return row ? paymentOf(row) : null;
  }

  async pendingRefund(bookingId: string): Promise<Refund | null> {
    const [row] = await this.db.query<RefundRow>(`select * from booking_refund where booking_id = $1 and status = 'PENDING'`, [bookingId]);
    return row ? refundOf(row) : null;
  }

  async refundsOf(bookingIds: readonly string[]): Promise<Refund[]> {
    if (bookingIds.length === 0) return [];
    const rows = await this.db.query<RefundRow>(`select * from booking_refund where booking_id = any($1::uuid[]) order by created_at, id`, [bookingIds]);
    return rows.map(refundOf);
  }

  transaction<T>(work: (unitOfWork: PaymentUnitOfWork) => Promise<T>): Promise<T> {
    return this.bookings.transaction((unitOfWork) => work(unitOfWork.payments));
  }
}
