import type { NewEvent } from '@instainstru/events';
import { AppendingStatement, type Database, type Outbox, type Sql } from '@instainstru/platform';
import type { BookingRepository, BookingUnitOfWork, InsertAtRevision } from '../domain/booking.ports';
import type { PaymentUnitOfWork } from '../domain/payment.ports';
import { PostgresPaymentUnitOfWork } from './payment.repository';
import { takeCredits } from './credit.repository';
import { reservation } from '../domain/credits.types';
import { MAX_DURATION_MINUTES } from '../domain/booking.rules';
import type {
  Booking,
  BookingPageKey,
  BookingStatus,
  BookingTransition,
  BookingWhen,
  CancelledBy,
  CompletedBy,
  InstructorOffering,
  LessonMode,
  NewBooking,
  OfferedServiceTerms,
  PaymentStatus,
} from '../domain/booking.types';

interface BookingRow {
  id: string;
  status: BookingStatus;
  instructor_id: string;
  instructor_user_id: string;
  student_user_id: string;
  service_id: string;
  starts_at: Date;
  ends_at: Date;
  duration_minutes: number;
  lesson_mode: LessonMode;
  price_minor: number;
  currency: string;
  payment_status: PaymentStatus;
  notes: string | null;
  created_at: Date;
  confirmed_at: Date | null;
  cancelled_by: CancelledBy | null;
  cancel_reason: string | null;
  cancelled_at: Date | null;
  completed_by: CompletedBy | null;
  completed_at: Date | null;
  no_show_marked_at: Date | null;
}

interface OfferingRow {
  instructor_id: string;
  user_id: string;
  is_live: boolean;
  timezone: string;
  offered_services: OfferedServiceTerms[];
  revision: number;
}

const COLUMNS = `id, status, instructor_id, instructor_user_id, student_user_id, service_id, starts_at, ends_at, duration_minutes,
  lesson_mode, price_minor, currency, payment_status, notes, created_at, confirmed_at, cancelled_by, cancel_reason, cancelled_at,
  completed_by, completed_at, no_show_marked_at`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function bookingOf(row: BookingRow): Booking {
  return {
    id: row.id,
    status: row.status,
    instructorId: row.instructor_id,
    instructorUserId: row.instructor_user_id,
    studentId: row.student_user_id,
    serviceId: row.service_id,
    startsAt: row.starts_at.toISOString(),
    endsAt: row.ends_at.toISOString(),
    durationMinutes: row.duration_minutes,
    lessonMode: row.lesson_mode,
    price: { amountMinor: row.price_minor, currency: row.currency },
    paymentStatus: row.payment_status,
    notes: row.notes,
    createdAt: row.created_at.toISOString(),
    confirmedAt: iso(row.confirmed_at),
    cancellation: row.cancelled_by && row.cancelled_at ? { cancelledBy: row.cancelled_by, reason: row.cancel_reason, cancelledAt: row.cancelled_at.toISOString() } : null,
    completion: row.completed_by && row.completed_at ? { completedBy: row.completed_by, completedAt: row.completed_at.toISOString() } : null,
    noShowMarkedAt: iso(row.no_show_marked_at),
  };
}

const offeringOf = (row: OfferingRow): InstructorOffering => ({
  instructorId: row.instructor_id,
  userId: row.user_id,
  isLive: row.is_live,
  timezone: row.timezone,
  revision: row.revision,
  offeredServices: row.offered_services,
});

async function findOffering(sql: Sql, instructorId: string, lock: boolean): Promise<InstructorOffering | null> {
  const [row] = await sql.query<OfferingRow>(
    `select instructor_id, user_id, is_live, timezone, offered_services, revision from instructor_offering where instructor_id = $1${lock ? ' for share' : ''}`,
    [instructorId],
    { prepare: true },
  );
  return row ? offeringOf(row) : null;
}

async function findBooking(sql: Sql, id: string): Promise<Booking | null> {
  const [row] = await sql.query<BookingRow>(`select ${COLUMNS} from booking where id = $1`, [id]);
  return row ? bookingOf(row) : null;
}

/** The SQL of one transition's compare-and-set (status `from` → `to`, recording its details). */
function transitionStatement(id: string, change: BookingTransition): [string, unknown[]] {
  const where = `where id = $1 and status = $2 returning ${COLUMNS}`;
  switch (change.to) {
    case 'CONFIRMED':
      return [`update booking set status = 'CONFIRMED', confirmed_at = $3, updated_at = now() ${where}`, [id, change.from, change.at]];
    case 'CANCELLED':
      return [
        `update booking set status = 'CANCELLED', cancelled_by = $3, cancel_reason = $4, cancelled_at = $5, updated_at = now() ${where}`,
        [id, change.from, change.cancelledBy, change.reason, change.at],
      ];
    case 'COMPLETED':
      return [`update booking set status = 'COMPLETED', completed_by = $3, completed_at = $4, updated_at = now() ${where}`, [id, change.from, change.completedBy, change.at]];
    case 'NO_SHOW':
      return [`update booking set status = 'NO_SHOW', no_show_marked_at = $3, updated_at = now() ${where}`, [id, change.from, change.at]];
  }
}

const INSERT_BOOKING = `insert into booking (id, status, instructor_id, instructor_user_id, student_user_id, service_id, starts_at, ends_at,
  duration_minutes, lesson_mode, price_minor, currency, notes, confirmed_at, created_at, payment_status)`;

const insertParams = (b: NewBooking, confirmedAt: Date) => [
  b.id, b.instructorId, b.instructorUserId, b.studentId, b.serviceId, b.startsAt, b.endsAt, b.durationMinutes, b.lessonMode, b.price.amountMinor, b.price.currency, b.notes, confirmedAt,
];

/** The payment's six values (all null for a booking made without one): customer, method, fee, destination, authorise at, deadline. */
const paymentParams = (b: NewBooking) => {
  const p = b.payment;
  return p ? [p.customerId, p.paymentMethodId, p.applicationFeeMinor, p.destinationAccount, p.authorizeAt, p.actionDeadline] : [null, null, null, null, null, null];
};

/**
 * The payment's values for the transactional inserts, which also take credits: the six of
 * paymentParams, then the credits applied, the platform fee on the whole price, and the status the
 * payment starts in (null: no payment). A lesson the credits cover wholly starts AUTHORIZED for
 * nothing on no card: there is nothing to authorise.
 */
const creditPaymentParams = (b: NewBooking, status: 'SCHEDULED' | 'AUTHORIZING') => {
  const p = b.payment;
  if (!p) return [...paymentParams(b), 0, null, null];
  return [...paymentParams(b), p.creditMinor, p.platformFeeMinor, p.amountMinor === 0 ? 'AUTHORIZED' : status];
};

/** The booking's payment status as inserted: SCHEDULED with a payment, NOT_STARTED without (seeds, benches). */
const paymentStatusOf = (customerParam: string) => `case when ${customerParam}::text is null then 'NOT_STARTED' else 'SCHEDULED' end`;

/**
 * The payment row of the booking a CTE `written` just inserted (it returns the booking's id,
 * student, price and currency: the new row is not visible to a read of the table in the same
 * statement), from the payment values at $first…$first+5 and three SQL expressions: the credits
 * applied (the card pays the price less them), the platform fee on the whole price, and the status
 * the payment starts in (no row when null). A payment starting AUTHORIZED (credits cover it all)
 * records its empty authorisation as made at `authorizedAt`; one starting AUTHORIZING is on its
 * first attempt.
 */
const insertPaymentFrom = (written: string, first: number, the: { credit: string; platformFee: string; status: string; authorizedAt: string }) => {
  const p = (i: number) => `$${first + i}`;
  return `insert into booking_payment (booking_id, status, student_user_id, stripe_customer_id, payment_method_id, amount_minor, credit_minor, currency,
      application_fee_minor, platform_fee_minor, destination_account, authorize_at, action_deadline, attempt, authorized_amount_minor, authorized_at)
    select w.id, ${the.status}::text, w.student_user_id, ${p(0)}::text, ${p(1)}::text, w.price_minor - ${the.credit}::integer, ${the.credit}::integer, w.currency,
           ${p(2)}::integer, ${the.platformFee}::integer, ${p(3)}::text, ${p(4)}::timestamptz, ${p(5)}::timestamptz,
           case when ${the.status}::text = 'AUTHORIZING' then 1 else 0 end,
           case when ${the.status}::text = 'AUTHORIZED' then 0 end,
           case when ${the.status}::text = 'AUTHORIZED' then ${the.authorizedAt}::timestamptz end
      from ${written} w
     where ${the.status}::text is not null`;
};

/** The same from creditPaymentParams at $first…$first+8 (the transactional inserts, which take credits). */
const insertCreditPaymentFrom = (written: string, first: number, authorizedAt: string) =>
  insertPaymentFrom(written, first, { credit: `$${first + 6}`, platformFee: `$${first + 7}`, status: `$${first + 8}`, authorizedAt });

/**
 * A create's single statement (see insertConfirmedAtRevision). The read-model row is share-locked
 * at the revision the rules were checked against, so its terms cannot change before the commit
 * while other creates for the instructor go on alongside. ON CONFLICT DO NOTHING answers an overlap
 * with another active booking: one already committed is found by the exclusion constraint's check
 * before anything is inserted, and a race with one not yet committed makes the speculative insert
 * yield instead of waiting inside the exclusion check, where concurrent inserts could deadlock.
 * Students racing for a slot ask for the same start: a committed booking starting then is found
 * first through the (instructor, start) index, a cheap probe that locks and inserts nothing (the
 * constraint's own check is a GiST search, too dear to run twice on every free slot). It answers
 * one word, not the row: the caller passed every value the row holds.
 */
const INSERT_AT_REVISION = new AppendingStatement({
  reads: `taken as (
      select 1 from booking
       where instructor_id = $2 and starts_at = $6 and status in ('REQUESTED', 'CONFIRMED')
       limit 1),
    offering as (
      select instructor_id from instructor_offering
       where instructor_id = $2 and revision = $14 and not exists (select 1 from taken)
       for share)`,
  text: `${INSERT_BOOKING} select $1, 'CONFIRMED', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, ${paymentStatusOf('$15')} from offering
    on conflict do nothing returning id, student_user_id, price_minor, currency`,
  // A card paying the whole price: no credits, the platform fee the application fee, SCHEDULED (no row without a customer).
  alongside: `payment as (${insertPaymentFrom('written', 15, { credit: '0', platformFee: '$17', status: `(case when $15::text is null then null else 'SCHEDULED' end)`, authorizedAt: '$13' })} returning 1)`,
  answer: `select case when exists (select 1 from written) then 'BOOKED'
                   when exists (select 1 from taken) or exists (select 1 from offering) then 'SLOT_TAKEN'
                   else 'REVISION_MOVED' end as outcome`,
  params: 20,
  prepare: true,
});

/** What each parameter of the create's single statement holds, by name, in the statement's order. */
const INSERT_AT_REVISION_PARAMS = [
  'id', 'instructorId', 'instructorUserId', 'studentId', 'serviceId', 'startsAt', 'endsAt', 'durationMinutes', 'lessonMode', 'priceMinor', 'currency', 'notes',
  'confirmedAt', 'revision', 'customerId', 'paymentMethodId', 'applicationFeeMinor', 'destinationAccount', 'authorizeAt', 'actionDeadline', 'eventId', 'topic', 'aggregateId', 'eventType', 'eventVersion', 'envelope',
] as const;

/** A SQL expression for each value the create's single statement takes (see insertConfirmedAtRevisionSql). */
export type InsertAtRevisionExpressions = Record<(typeof INSERT_AT_REVISION_PARAMS)[number], string>;

/**
 * The create's single statement (insertConfirmedAtRevision) as SQL text, each value given as a SQL
 * expression by name: what a load generator such as pgbench runs to measure the database core of a
 * booking exactly as the repository runs it, without knowing the statement's parameters by position.
 */
export function insertConfirmedAtRevisionSql(values: InsertAtRevisionExpressions): string {
  // The statement's own parameters, then the six of the outbox row it appends.
  if (INSERT_AT_REVISION_PARAMS.length !== INSERT_AT_REVISION.params + 6) throw new Error('the named parameters do not match the statement');
  return INSERT_AT_REVISION.text.replace(/\$(\d+)/g, (_, n: string) => values[INSERT_AT_REVISION_PARAMS[Number(n) - 1]!]);
}

/**
 * A student's active bookings that have not ended (see countUpcomingOfStudent), read through
 * booking_student_page_idx (student, start, id): a lesson lasts at most MAX_DURATION_MINUTES (the
 * table's duration check, and ends_at = starts_at + duration), so one that has not ended started
 * after now minus that. The bound makes the read one short range of the index (the student's
 * lessons from a few hours ago on), never the student's whole history.
 */
const UPCOMING_OF_STUDENT = `select count(*)::int as upcoming from booking
  where student_user_id = $1 and starts_at > $2::timestamptz - make_interval(mins => ${MAX_DURATION_MINUTES})
    and ends_at > $2 and status in ('REQUESTED', 'CONFIRMED')`;

export class PostgresBookingUnitOfWork implements BookingUnitOfWork {
  /** The payments' writes in the same transaction. */
  readonly payments: PaymentUnitOfWork;

  constructor(
    private readonly tx: Sql,
    private readonly outbox: Outbox,
  ) {
    this.payments = new PostgresPaymentUnitOfWork(tx, this);
  }

  lockInstructorOffering(instructorId: string): Promise<InstructorOffering | null> {
    return findOffering(this.tx, instructorId, true);
  }

  async insertConfirmed(booking: NewBooking, confirmedAt: Date): Promise<Booking | null> {
    const text = `with written as (
        ${INSERT_BOOKING} values ($1, 'CONFIRMED', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, coalesce($22::text, 'NOT_STARTED'))
        on conflict do nothing returning ${COLUMNS}),
      payment as (${insertCreditPaymentFrom('written', 14, '$13')} returning 1)
      select * from written`;
    const [row] = await this.tx.query<BookingRow>(text, [...insertParams(booking, confirmedAt), ...creditPaymentParams(booking, 'SCHEDULED')], { prepare: true });
    return row ? bookingOf(row) : null;
  }

  async insertRequested(booking: NewBooking, createdAt: Date): Promise<Booking | null> {
    if (!booking.payment) throw new Error('a booking authorised while booking needs its payment');
    if (booking.payment.amountMinor === 0) throw new Error('a booking its credits pay for wholly has nothing to authorise');
    const text = `with written as (
        ${INSERT_BOOKING} values ($1, 'REQUESTED', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, null, $13, 'AUTHORIZING')
        on conflict do nothing returning ${COLUMNS}),
      payment as (${insertCreditPaymentFrom('written', 14, '$13')} returning 1)
      select * from written`;
    const [row] = await this.tx.query<BookingRow>(text, [...insertParams(booking, createdAt), ...creditPaymentParams(booking, 'AUTHORIZING')]);
    return row ? bookingOf(row) : null;
  }

  async reserveCredits(studentId: string, bookingId: string, amountMinor: number, currency: string, now: Date): Promise<boolean> {
    return (await takeCredits(this.tx, (event) => this.publish(event), currency, reservation(studentId, bookingId), amountMinor, now)) !== 'INSUFFICIENT';
  }

  async discardRequested(id: string): Promise<boolean> {
    const rows = await this.tx.query(
      `with gone as (delete from booking_payment p using booking b where p.booking_id = $1 and b.id = p.booking_id and b.status = 'REQUESTED' returning p.booking_id)
       delete from booking where id in (select booking_id from gone) returning id`,
      [id],
    );
    return rows.length > 0;
  }

  async transition(id: string, change: BookingTransition): Promise<Booking | null> {
    const [text, params] = transitionStatement(id, change);
    const [row] = await this.tx.query<BookingRow>(text, params);
    return row ? bookingOf(row) : null;
  }

  findById(id: string): Promise<Booking | null> {
    return findBooking(this.tx, id);
  }

  async lockEndedConfirmed(endedBefore: Date, limit: number): Promise<Booking[]> {
    const rows = await this.tx.query<BookingRow>(
      `select ${COLUMNS} from booking where status = 'CONFIRMED' and ends_at < $1 order by ends_at limit $2 for update skip locked`,
      [endedBefore, limit],
    );
    return rows.map(bookingOf);
  }

  async publish(event: NewEvent<object>): Promise<void> {
    await this.outbox.append(this.tx, event);
  }
}

export class PostgresBookingRepository implements BookingRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  findById(id: string): Promise<Booking | null> {
    return findBooking(this.db, id);
  }

  instructorOffering(instructorId: string): Promise<InstructorOffering | null> {
    return findOffering(this.db, instructorId, false);
  }

  async studentBookings(studentId: string, when: BookingWhen, now: Date, after: BookingPageKey | null, limit: number): Promise<Booking[]> {
    const upcoming = when === 'UPCOMING';
    const rows = await this.db.query<BookingRow>(
      `select ${COLUMNS} from booking
        where student_user_id = $1
          and ${upcoming ? 'ends_at > $2' : 'ends_at <= $2'}
          and ($3::timestamptz is null or (starts_at, id) ${upcoming ? '>' : '<'} ($3::timestamptz, $4::uuid))
        order by starts_at ${upcoming ? 'asc' : 'desc'}, id ${upcoming ? 'asc' : 'desc'}
        limit $5`,
      [studentId, now, after?.startsAt ?? null, after?.id ?? null, limit],
    );
    return rows.map(bookingOf);
  }

  async countUpcomingOfStudent(studentId: string, now: Date): Promise<number> {
    const [row] = await this.db.query<{ upcoming: number }>(UPCOMING_OF_STUDENT, [studentId, now], { prepare: true });
    return row!.upcoming;
  }

  async instructorBookings(instructorId: string, from: Date, to: Date, includeCancelled: boolean): Promise<Booking[]> {
    const rows = await this.db.query<BookingRow>(
      `select ${COLUMNS} from booking
        where instructor_id = $1 and starts_at < $3 and ends_at > $2
          and status <> 'REQUESTED' and ($4::boolean or status <> 'CANCELLED')
        order by starts_at, id`,
      [instructorId, from, to, includeCancelled],
    );
    return rows.map(bookingOf);
  }

  async insertConfirmedAtRevision(booking: NewBooking, confirmedAt: Date, revision: number, event: NewEvent<object>): Promise<InsertAtRevision> {
    const [row] = await this.outbox.appendWith<{ outcome: InsertAtRevision }, object>(
      this.db,
      INSERT_AT_REVISION,
      [...insertParams(booking, confirmedAt), revision, ...paymentParams(booking)],
      event,
    );
    return row!.outcome;
  }

  transaction<T>(work: (unitOfWork: BookingUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresBookingUnitOfWork(tx, this.outbox)));
  }
}
