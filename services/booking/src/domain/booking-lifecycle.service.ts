import { hasRole, isUuid, type Caller } from '@instainstru/platform';
import { BookingError, BookingErrorCode, bookingNotFound } from './booking.errors';
import { bookingEventFor } from './booking.events';
import { normaliseReason } from './booking.rules';
import type { BookingRepository, BookingUnitOfWork, Clock } from './booking.ports';
import type { Booking, BookingTransition, CancellationChoice, CancelledBy, PaymentStatus } from './booking.types';
import { isParty } from './bookings.service';


/** Who is cancelling, as the booking records it; null when the caller may not see the booking. */
function cancellingParty(caller: Caller, booking: Booking): CancelledBy | null {
  if (caller.userId === booking.studentId) return 'STUDENT';
  if (caller.userId === booking.instructorUserId) return 'INSTRUCTOR';
  return hasRole(caller, 'admin') ? 'ADMIN' : null;
}

/**
 * Who would cancel the booking now, when they may: students and instructors before the lesson
 * starts, admins at any time while it is confirmed (the same rules for cancelBooking and its quote).
 */
export function cancellerOf(caller: Caller, booking: Booking, now: Date): CancelledBy {
  const cancelledBy = cancellingParty(caller, booking);
  if (!cancelledBy) throw bookingNotFound(booking.id);
  // A REQUESTED booking (its card being authorised with the student) may be given up as well.
  if (booking.status !== 'CONFIRMED' && booking.status !== 'REQUESTED') throw invalidTransition(booking, 'CANCELLED');
  if (cancelledBy !== 'ADMIN' && now >= new Date(booking.startsAt)) {
    throw new BookingError(BookingErrorCode.LessonAlreadyStarted, 'The lesson has already started; it can no longer be cancelled', { startsAt: booking.startsAt });
  }
  return cancelledBy;
}

/**
 * A booking's life after confirmation: cancelled (by its student, its instructor or an admin),
 * completed (by its instructor after the lesson, or automatically), or marked no-show (by its
 * instructor after the start). Each transition is a compare-and-set on the status inside one
 * transaction with its event, so of two racing transitions exactly one wins; the other gets
 * INVALID_TRANSITION with the status it found.
 */
export class BookingLifecycle {
  constructor(
    private readonly repository: BookingRepository,
    private readonly clock: Clock,
    /** The payment follows each transition in its transaction (void on cancel, capture once the lesson is over). */
    private readonly paymentFollows: (unitOfWork: BookingUnitOfWork, booking: Booking, now: Date, choice?: CancellationChoice) => Promise<{ status: PaymentStatus } | null>,
  ) {}

  /**
   * Students and instructors cancel before the lesson starts; admins at any time while it is
   * confirmed. The payment follows by the cancellation policy the booking was made under
   * (Payments.followBooking; cancellationQuote shows the same beforehand).
   */
  cancelBooking(caller: Caller, id: string, reasonRaw: string | null | undefined, choice: CancellationChoice = {}): Promise<Booking> {
    const reason = normaliseReason(reasonRaw);
    return this.transition(
      caller,
      id,
      (booking, now) => {
        const cancelledBy = cancellerOf(caller, booking, now);
        return { from: booking.status === 'REQUESTED' ? 'REQUESTED' : 'CONFIRMED', to: 'CANCELLED', at: now, cancelledBy, reason };
      },
      choice,
    );
  }

  /**
   * Admins record that the instructor did not show up (the student reported it), once the lesson
   * started, from CONFIRMED, COMPLETED or NO_SHOW (the student marked absent wrongly): the booking
   * is cancelled as by its instructor, so the
   * policy charges nothing and gives the goodwill credit (a charge already made is refunded).
   */
  markInstructorNoShow(caller: Caller, id: string, reasonRaw: string): Promise<Booking> {
    const reason = normaliseReason(reasonRaw);
    return this.transition(caller, id, (booking, now) => {
      if (!hasRole(caller, 'admin')) {
        if (isParty(caller, booking)) throw new BookingError(BookingErrorCode.AdminOnly, 'Only admins record an instructor no-show (students report it to support)');
        throw bookingNotFound(id);
      }
      if (!reason) throw new BookingError(BookingErrorCode.ReasonRequired, 'Say what happened (reason)');
      // From NO_SHOW too: the instructor marked the student absent when it was the instructor who did not come.
      if (booking.status !== 'CONFIRMED' && booking.status !== 'COMPLETED' && booking.status !== 'NO_SHOW') throw invalidTransition(booking, 'CANCELLED');
      if (now < new Date(booking.startsAt)) {
        throw new BookingError(BookingErrorCode.LessonNotStarted, 'An instructor no-show can be recorded only after the lesson started', { startsAt: booking.startsAt });
      }
      return { from: booking.status, to: 'CANCELLED', at: now, cancelledBy: 'INSTRUCTOR', reason: `Instructor did not show up: ${reason}`.slice(0, 1000) };
    });
  }

  completeBooking(caller: Caller, id: string): Promise<Booking> {
    return this.transition(caller, id, (booking, now) => {
      this.requireInstructor(caller, booking, id);
      requireConfirmed(booking, 'COMPLETED');
      if (now < new Date(booking.endsAt)) {
        throw new BookingError(BookingErrorCode.LessonNotEnded, 'A lesson can be completed only after it ended', { endsAt: booking.endsAt });
      }
      return { from: 'CONFIRMED', to: 'COMPLETED', at: now, completedBy: 'INSTRUCTOR' };
    });
  }

  markNoShow(caller: Caller, id: string): Promise<Booking> {
    return this.transition(caller, id, (booking, now) => {
      this.requireInstructor(caller, booking, id);
      requireConfirmed(booking, 'NO_SHOW');
      if (now < new Date(booking.startsAt)) {
        throw new BookingError(BookingErrorCode.LessonNotStarted, 'A no-show can be marked only after the lesson started', { startsAt: booking.startsAt });
      }
      return { from: 'CONFIRMED', to: 'NO_SHOW', at: now };
    });
  }

  /** Completes (completedBy SYSTEM) confirmed bookings that ended more than `afterMinutes` ago; returns how many. */
  async autoCompleteEndedBookings(afterMinutes: number, batchSize = 200): Promise<number> {
    const now = this.clock();
    return this.repository.transaction(async (unitOfWork) => {
      const ended = await unitOfWork.lockEndedConfirmed(new Date(now.getTime() - afterMinutes * 60_000), batchSize);
      let completed = 0;
      for (const booking of ended) {
        const done = await unitOfWork.transition(booking.id, { from: 'CONFIRMED', to: 'COMPLETED', at: now, completedBy: 'SYSTEM' });
        if (!done) continue;
        await unitOfWork.publish(bookingEventFor(done)!);
        await this.paymentFollows(unitOfWork, done, now);
        completed += 1;
      }
      return completed;
    });
  }

  private requireInstructor(caller: Caller, booking: Booking, id: string): void {
    if (caller.userId === booking.instructorUserId) return;
    if (isParty(caller, booking)) throw new BookingError(BookingErrorCode.NotBookingInstructor, "Only the booking's instructor can do this", { id });
    throw bookingNotFound(id);
  }

  private async transition(caller: Caller, id: string, decide: (booking: Booking, now: Date) => BookingTransition, choice?: CancellationChoice): Promise<Booking> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to change bookings');
    if (!isUuid(id)) throw bookingNotFound(id);
    return this.repository.transaction(async (unitOfWork: BookingUnitOfWork) => {
      const booking = await unitOfWork.findById(id);
      if (!booking || !isParty(caller, booking)) throw bookingNotFound(id);
      const now = this.clock();
      const change = decide(booking, now);
      const changed = await unitOfWork.transition(id, change);
      if (!changed) {
        // Another transition committed between the read and the compare-and-set.
        const current = await unitOfWork.findById(id);
        throw invalidTransition(current ?? booking, change.to);
      }
      await unitOfWork.publish(bookingEventFor(changed)!);
      // The booking row's payment_status moved with the payment in this transaction.
      const payment = await this.paymentFollows(unitOfWork, changed, now, choice);
      return payment ? { ...changed, paymentStatus: payment.status } : changed;
    });
  }
}

function requireConfirmed(booking: Booking, to: BookingTransition['to']): void {
  if (booking.status !== 'CONFIRMED') throw invalidTransition(booking, to);
}

function invalidTransition(booking: Booking, to: string): BookingError {
  return new BookingError(BookingErrorCode.InvalidTransition, `A ${booking.status.toLowerCase().replace('_', '-')} booking cannot become ${to.toLowerCase().replace('_', '-')}`, {
    status: booking.status,
    requested: to,
  });
}
