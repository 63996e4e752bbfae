import { hasRole, isUuid, RemoteServiceError, type Caller, type Logger } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import { bookingEventFor } from './booking.events';
import {
  bookableTerms,
  bookingIdFor,
  DEFAULT_MAX_UPCOMING_PER_STUDENT,
  lessonPrice,
  normaliseNotes,
  requireDuration,
  requireStartsAt,
  type BookingRequest,
} from './booking.rules';
import type { BookingRepository, BookingUnitOfWork, Clock } from './booking.ports';
import type { Booking, InstructorOffering, LessonMode, NewBooking } from './booking.types';
import type { SlotHolds } from './slot-holds.ports';
import type { PaymentMethods } from './payment-methods.service';
import { actionDeadline, applicationFee, authorizationTime, authorizesOnSession, settlementOf, type PaymentTerms } from './payment.rules';
import type { Payments } from './payments.service';
import type { NewPayment } from './payment.types';
import type { PayoutAccountDirectory } from './payout-accounts.ports';

/** What a create needs to take payment: the student's saved cards, instructors' Connect accounts, the terms. */
export interface BookingPaymentDeps {
  methods: PaymentMethods;
  payoutAccounts: PayoutAccountDirectory;
  terms: PaymentTerms;
  /** Authorises lessons sooner than the lead time while they are booked. */
  flow: Pick<Payments, 'authorizeOnSession' | 'cancelDeclined'>;
  /** The student's available credits now (a check before anything is held; the reservation itself is the guard). */
  creditBalance: (studentId: string) => Promise<{ balanceMinor: number; currency: string }>;
}

export interface CreateBookingInput {
  instructorId: string;
  serviceId: string;
  startsAt: string;
  durationMinutes: number;
  lessonMode: LessonMode;
  notes?: string | null;
  /** The client's key for retrying this create safely (see bookingIdFor). */
  idempotencyKey?: string | null;
  /** One of the student's saved cards (`pm_…`), authorised before the lesson and charged after it. */
  paymentMethodId?: string | null;
  /** Platform credits to apply (0 to the price): reserved with the booking, the card authorised for the rest. */
  creditsMinor?: number | null;
}

/** Availability answered and refused (any other failure leaves the hold's outcome unknown). */
const refusedByAvailability = (error: unknown) => error instanceof RemoteServiceError;

/**
 * Creating a booking:
 *  1. a student already holding `maxUpcomingPerStudent` active upcoming bookings is refused
 *     (RATE_LIMITED), then every rule is checked against booking's read model of the instructor
 *     (live, offers the service, duration and mode; not the student themself), without a
 *     transaction: a refusal holds and writes nothing;
 *  2. availability holds the slot under the booking's id (outside any transaction); a refusal is
 *     answered as availability gave it, an unknown outcome releases the hold (idempotent);
 *  3. one transaction share-locks the instructor's read-model row, re-checks every rule against it,
 *     inserts the booking as CONFIRMED at the server-computed price (the exclusion constraint
 *     refuses an overlap with another active booking) and appends `booking.confirmed`;
 *  4. should (3) fail for any reason, the hold is released (compensation).
 * No job settles half-done creates: a process dying between (2) and (3) leaves only an unconfirmed
 * hold, which expires at availability (AVAILABILITY_HOLD_TTL_SECONDS); once (3) committed,
 * `booking.confirmed` makes the hold permanent at availability.
 * With an idempotency key the booking id comes from the key, so a retry finds the booking an
 * earlier call made (before anything else, the limit included, or after losing the insert to a
 * concurrent retry).
 * The upcoming-bookings limit is an abuse limit, not an invariant: it is one indexed count before
 * the hold, with no lock per student on the create's one statement, so creates of one student
 * racing each other may each find room and pass it by up to their number; one after another they
 * stop exactly at it.
 */
export class BookingCreation {
  constructor(
    private readonly repository: BookingRepository,
    private readonly holds: SlotHolds,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly payments: BookingPaymentDeps,
    /** Active upcoming bookings one student may hold (BOOKING_MAX_UPCOMING_PER_STUDENT). */
    private readonly maxUpcomingPerStudent: number = DEFAULT_MAX_UPCOMING_PER_STUDENT,
  ) {}

  async createBooking(caller: Caller, input: CreateBookingInput): Promise<Booking> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to book a lesson');
    if (!hasRole(caller, 'student')) throw new BookingError(BookingErrorCode.StudentRoleRequired, 'Only students can book lessons');
    const lesson: LessonRequest = {
      instructorId: input.instructorId,
      studentId: caller.userId,
      serviceId: input.serviceId,
      startsAt: requireStartsAt(input.startsAt),
      durationMinutes: requireDuration(input.durationMinutes),
      lessonMode: input.lessonMode,
      notes: normaliseNotes(input.notes),
    };
    const id = bookingIdFor(lesson.studentId, input.idempotencyKey);
    const keyed = input.idempotencyKey != null;
    if (keyed) {
      const earlier = await this.madeEarlier(id, lesson);
      if (earlier) return earlier;
    }
    const upcoming = await this.repository.countUpcomingOfStudent(lesson.studentId, this.clock());
    if (upcoming >= this.maxUpcomingPerStudent) {
      // A retry racing its first call may count that call's booking: the booking is its answer.
      const earlier = keyed ? await this.madeEarlier(id, lesson) : null;
      if (earlier) return earlier;
      throw upcomingBookingsLimit(this.maxUpcomingPerStudent, upcoming);
    }
    const creditsMinor = requireCredits(input.creditsMinor);
    if (!input.paymentMethodId && creditsMinor === 0) {
      throw new BookingError(BookingErrorCode.PaymentRequired, 'A saved card is needed to book (paymentMethodId; save one with startPaymentMethodSetup)');
    }
    const offering = isUuid(lesson.instructorId) ? await this.repository.instructorOffering(lesson.instructorId) : null;
    const unpaid = newBooking(offering, id, lesson);
    const booking: NewBooking = { ...unpaid, payment: await this.paymentFor(unpaid, input.paymentMethodId ?? null, creditsMinor) };

    await this.holdSlot(booking);
    if (booking.payment!.amountMinor > 0 && authorizesOnSession(booking.startsAt, this.clock(), this.payments.terms)) {
      return this.bookWhileAuthorizing(booking, keyed ? lesson : null);
    }
    try {
      return await this.bookHeldSlot(booking, offering!.revision);
    } catch (error) {
      // A retry racing the first call with the same key: the first one's booking is the answer,
      // and the hold (shared by id) is its hold.
      const earlier = keyed ? await this.madeEarlier(id, lesson) : null;
      if (earlier) return earlier;
      await this.releaseHold(booking.id);
      throw error;
    }
  }

  /**
   * A lesson sooner than the authorisation lead time, authorised while the student books: the held
   * slot is written REQUESTED (re-checking every rule, as bookHeldSlot), then the card is
   * authorised on-session, outside any transaction. Authorised: the booking is answered
   * CONFIRMED. The bank asks for authentication: answered REQUESTED, its payment ACTION_REQUIRED
   * with the client secret; the slot stays held until the student completes it (then
   * retryBookingPayment, or Stripe's webhook, confirms the booking) or the window closes (the
   * system cancels it). Declined: the booking is removed, the hold released, and PAYMENT_DECLINED
   * answered, so the student may try another card at once.
   */
  private async bookWhileAuthorizing(booking: NewBooking, keyedLesson: LessonRequest | null): Promise<Booking> {
    let requested: Booking;
    try {
      requested = await this.repository.transaction(async (unitOfWork) => {
        const offering = await unitOfWork.lockInstructorOffering(booking.instructorId);
        const now = this.clock();
        const window = new Date(now.getTime() + this.payments.terms.onSessionWindowSeconds * 1000);
        const checked: NewBooking = { ...newBooking(offering, booking.id, booking), payment: { ...booking.payment!, authorizeAt: now, actionDeadline: window } };
        const inserted = await unitOfWork.insertRequested(checked, now);
        if (!inserted) throw slotUnavailable(booking);
        await this.reserveCredits(unitOfWork, checked, now);
        return inserted;
      });
    } catch (error) {
      const earlier = keyedLesson ? await this.madeEarlier(booking.id, keyedLesson) : null;
      if (earlier) return earlier;
      await this.releaseHold(booking.id);
      throw error;
    }
    const outcome = await this.payments.flow.authorizeOnSession(requested);
    if (outcome.kind === 'DECLINED') {
      await this.repository.transaction(async (unitOfWork) => {
        const payment = await unitOfWork.payments.lockPayment(booking.id);
        if ((await unitOfWork.discardRequested(booking.id)) && payment?.creditMinor) await unitOfWork.payments.settleCredits(payment, 0);
      });
      await this.releaseHold(booking.id);
      if (outcome.intentId) await this.payments.flow.cancelDeclined(booking.id, outcome.intentId);
      throw new BookingError(BookingErrorCode.PaymentDeclined, `The card was declined: ${outcome.message}`, {
        declineCode: outcome.declineCode ?? outcome.code,
      });
    }
    return (await this.repository.findById(booking.id))!;
  }

  /**
   * How the booking will be paid, every check made before anything is held or written: the credits
   * are no more than the price and the student has them now, a card is given unless they cover it
   * all, the card is one of the student's own, the instructor can receive payments (a Connect
   * account with charges enabled), and the authorisation is scheduled at start − lead time (at
   * once for a lesson sooner). The platform fee is a share of the whole price; the card's
   * application fee is what the credits leave of it.
   */
  private async paymentFor(booking: NewBooking, paymentMethodId: string | null, creditsMinor: number): Promise<NewPayment> {
    const { methods, payoutAccounts, terms } = this.payments;
    const price = booking.price.amountMinor;
    if (creditsMinor > price) {
      throw new BookingError(BookingErrorCode.InvalidCreditAmount, `creditsMinor cannot be more than the price (${price})`, { creditsMinor, priceMinor: price });
    }
    const cardMinor = price - creditsMinor;
    if (cardMinor > 0 && !paymentMethodId) {
      throw new BookingError(BookingErrorCode.PaymentRequired, 'The credits do not cover the price: a saved card is needed for the rest (paymentMethodId)', { cardAmountMinor: cardMinor });
    }
    const account = await payoutAccounts.find(booking.instructorId);
    if (!account?.stripeAccountId || !account.chargesEnabled) {
      throw new BookingError(BookingErrorCode.InstructorCannotAcceptPayments, 'This instructor cannot take bookings yet: their payout account is not ready', {
        instructorId: booking.instructorId,
      });
    }
    if (creditsMinor > 0) {
      const credits = await this.payments.creditBalance(booking.studentId);
      if (credits.currency !== booking.price.currency) {
        throw new BookingError(BookingErrorCode.InvalidCreditAmount, `Credits are in ${credits.currency}; this lesson is priced in ${booking.price.currency}`, { creditsMinor });
      }
      if (credits.balanceMinor < creditsMinor) throw insufficientCredits(creditsMinor, credits.balanceMinor);
    }
    const method = paymentMethodId ? await methods.requireUsable(booking.studentId, paymentMethodId) : null;
    const now = this.clock();
    const platformFeeMinor = applicationFee(price, terms.platformFeeBps);
    return {
      customerId: method?.customerId ?? null,
      paymentMethodId: method?.id ?? null,
      amountMinor: cardMinor,
      creditMinor: creditsMinor,
      currency: booking.price.currency,
      platformFeeMinor,
      // The whole price charged: the card's share of the fee, as the capture will take it.
      applicationFeeMinor: settlementOf({ amountMinor: cardMinor, creditMinor: creditsMinor, authorizedAmountMinor: null, platformFeeMinor, captureAmountMinor: null, captureFeeMinor: null }).applicationFeeMinor,
      destinationAccount: account.stripeAccountId,
      authorizeAt: authorizationTime(booking.startsAt, now, terms),
      actionDeadline: actionDeadline(booking.startsAt, now, terms),
    };
  }

  /**
   * The booking an earlier call with the same idempotency key made, when it asked for the same
   * lesson; CONFLICT when the key was used for another one; null when there is none yet.
   */
  private async madeEarlier(id: string, lesson: LessonRequest): Promise<Booking | null> {
    const earlier = await this.repository.findById(id);
    if (!earlier) return null;
    const same =
      earlier.studentId === lesson.studentId &&
      earlier.instructorId === lesson.instructorId &&
      earlier.serviceId === lesson.serviceId &&
      Date.parse(earlier.startsAt) === lesson.startsAt.getTime() &&
      earlier.durationMinutes === lesson.durationMinutes &&
      earlier.lessonMode === lesson.lessonMode;
    if (!same) {
      throw new BookingError(BookingErrorCode.IdempotencyKeyReused, 'This idempotency key was already used for another lesson', { bookingId: id });
    }
    return earlier;
  }

  /**
   * Step 3, one transaction: share-lock the instructor's read-model row (its terms cannot change
   * before the commit; other creates for the instructor go on alongside), re-check every rule
   * against it, insert the booking CONFIRMED and append `booking.confirmed`. `booking` was made
   * from the read model at `revision`: while the row is still at that revision it holds the very
   * terms every rule was checked against, and the whole transaction is one statement; when it
   * moved on, the rules are checked again against what the locked row now says. Throws the rule
   * broken, or SLOT_UNAVAILABLE when the lesson overlaps another active booking.
   */
  async bookHeldSlot(booking: NewBooking, revision: number): Promise<Booking> {
    const confirmedAt = this.clock();
    if (!booking.payment?.creditMinor) {
      const confirmed = confirmedBooking(booking, confirmedAt);
      const outcome = await this.repository.insertConfirmedAtRevision(booking, confirmedAt, revision, bookingEventFor(confirmed)!);
      if (outcome === 'BOOKED') return confirmed;
      if (outcome === 'SLOT_TAKEN') throw slotUnavailable(booking);
    }
    // Credits are reserved in the insert's transaction: the booking and its reservation commit together or not at all.
    return this.repository.transaction(async (unitOfWork) => {
      const offering = await unitOfWork.lockInstructorOffering(booking.instructorId);
      const checked = { ...newBooking(offering, booking.id, booking), payment: booking.payment };
      const confirmed = await unitOfWork.insertConfirmed(checked, confirmedAt);
      if (!confirmed) throw slotUnavailable(booking);
      await this.reserveCredits(unitOfWork, checked, confirmedAt);
      await unitOfWork.publish(bookingEventFor(confirmed)!);
      return confirmed;
    });
  }

  /**
   * Reserves the credits a booking applies, in its insert's transaction; INSUFFICIENT_CREDITS (the
   * transaction rolls back, the booking with it) when another booking or a revocation took them
   * since the check before the hold.
   */
  private async reserveCredits(unitOfWork: BookingUnitOfWork, booking: NewBooking, now: Date): Promise<void> {
    const credits = booking.payment?.creditMinor ?? 0;
    if (credits === 0) return;
    if (!(await unitOfWork.reserveCredits(booking.studentId, booking.id, credits, booking.price.currency, now))) throw insufficientCredits(credits, null);
  }

  /** Step 2: a refusal is rethrown as availability gave it; after an unknown outcome the hold is released. */
  private async holdSlot(booking: NewBooking): Promise<void> {
    try {
      await this.holds.hold({ bookingId: booking.id, instructorId: booking.instructorId, startsAt: booking.startsAt.toISOString(), endsAt: booking.endsAt.toISOString() });
    } catch (error) {
      if (!refusedByAvailability(error)) await this.releaseHold(booking.id);
      throw error;
    }
  }

  /**
   * Releases the hold of a booking that was not written (idempotent). Should the release fail too,
   * the hold, never confirmed, expires at availability on its own (AVAILABILITY_HOLD_TTL_SECONDS).
   */
  private async releaseHold(bookingId: string): Promise<void> {
    await this.holds.release(bookingId).catch((error: unknown) => {
      this.logger.warn({ err: error, bookingId }, 'could not release the hold of a booking that was not made; it will expire');
    });
  }
}

/** A create's request, validated (the instructor's terms not yet checked). */
export interface LessonRequest extends BookingRequest {
  instructorId: string;
  startsAt: Date;
  notes: string | null;
}

/** The booking a request makes with this offering, at the server-computed price; throws the first rule broken. */
function newBooking(offering: InstructorOffering | null, id: string, lesson: LessonRequest): NewBooking {
  const terms = bookableTerms(offering, lesson.instructorId, lesson);
  return {
    id,
    instructorId: lesson.instructorId,
    instructorUserId: offering!.userId,
    studentId: lesson.studentId,
    serviceId: lesson.serviceId,
    startsAt: lesson.startsAt,
    endsAt: new Date(lesson.startsAt.getTime() + lesson.durationMinutes * 60_000),
    durationMinutes: lesson.durationMinutes,
    lessonMode: lesson.lessonMode,
    price: lessonPrice(terms.hourlyRate, lesson.durationMinutes),
    notes: lesson.notes,
    payment: null,
  };
}

/** The credits a create applies: a whole number ≥ 0 (0 when not given). */
function requireCredits(creditsMinor: number | null | undefined): number {
  const credits = creditsMinor ?? 0;
  if (!Number.isInteger(credits) || credits < 0) {
    throw new BookingError(BookingErrorCode.InvalidCreditAmount, 'creditsMinor must be a whole number of minor units, 0 or more', { creditsMinor: credits });
  }
  return credits;
}

const insufficientCredits = (creditsMinor: number, balanceMinor: number | null) =>
  new BookingError(BookingErrorCode.InsufficientCredits, 'You do not have that many credits', { creditsMinor, ...(balanceMinor === null ? {} : { balanceMinor }) });

const slotUnavailable = (b: NewBooking) =>
  new BookingError(BookingErrorCode.SlotUnavailable, 'The instructor already has a lesson booked at that time', {
    instructorId: b.instructorId,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
  });

const upcomingBookingsLimit = (limit: number, upcoming: number) =>
  new BookingError(
    BookingErrorCode.UpcomingBookingsLimit,
    `You already have ${upcoming} upcoming lessons booked, the most one student may hold (${limit}); cancel one or wait until one has ended`,
    { limit, upcoming },
  );

/**
 * The booking as inserted CONFIRMED at `confirmedAt` (it is also created then), exactly as the row
 * reads back (bookingOf): one literal in the same field order, so every booking object shares one
 * shape on the hot path (spreading the new booking and overwriting its Date fields with strings
 * made each one a new object layout).
 */
function confirmedBooking(b: NewBooking, confirmedAt: Date): Booking {
  const at = confirmedAt.toISOString();
  return {
    id: b.id,
    status: 'CONFIRMED',
    instructorId: b.instructorId,
    instructorUserId: b.instructorUserId,
    studentId: b.studentId,
    serviceId: b.serviceId,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    durationMinutes: b.durationMinutes,
    lessonMode: b.lessonMode,
    price: { amountMinor: b.price.amountMinor, currency: b.price.currency },
    paymentStatus: b.payment ? 'SCHEDULED' : 'NOT_STARTED',
    notes: b.notes,
    createdAt: at,
    confirmedAt: at,
    cancellation: null,
    completion: null,
    noShowMarkedAt: null,
  };
}
