import { randomUUID } from 'node:crypto';
import { hasRole, RemoteServiceError, type Caller, type Logger } from '@instainstru/platform';
import { BookingError, BookingErrorCode } from './booking.errors';
import { bookingEventFor } from './booking.events';
import { bookableTerms, lessonPrice, normaliseNotes, requireDuration, requireStartsAt, UUID } from './booking.rules';
import type { Booking, BookingRepository, Clock, LessonMode } from './booking.types';
import type { SlotHolds } from './slot-holds';

export interface CreateBookingInput {
  instructorId: string;
  serviceId: string;
  startsAt: string;
  durationMinutes: number;
  lessonMode: LessonMode;
  notes?: string | null;
}

/** Availability answered and refused (any other failure leaves the hold's outcome unknown). */
const refusedByAvailability = (error: unknown) => error instanceof RemoteServiceError;

/** How long a create may stay REQUESTED before the resume job assumes its process died. */
export const RESUME_REQUESTED_AFTER_MS = 60_000;

/**
 * Creating a booking: (a) one transaction re-checks every rule against booking's read model and
 * inserts the booking as REQUESTED (the exclusion constraint makes concurrent creates for one slot
 * conflict); (b) outside it, availability holds the slot; (c) a second transaction confirms the
 * booking and publishes `booking.confirmed`. A refused hold removes the REQUESTED row; an unknown
 * outcome (availability unreachable or timed out) releases the hold and removes it.
 * `resumeRequestedBookings` settles creates whose process died between (a) and (c).
 */
export class BookingCreation {
  constructor(
    private readonly repository: BookingRepository,
    private readonly holds: SlotHolds,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async createBooking(caller: Caller, input: CreateBookingInput): Promise<Booking> {
    if (!caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to book a lesson');
    if (!hasRole(caller, 'student')) throw new BookingError(BookingErrorCode.StudentRoleRequired, 'Only students can book lessons');
    const studentId = caller.userId;
    const startsAt = requireStartsAt(input.startsAt);
    const durationMinutes = requireDuration(input.durationMinutes);
    const notes = normaliseNotes(input.notes);
    const request = { studentId, serviceId: input.serviceId, durationMinutes, lessonMode: input.lessonMode };

    const requested = await this.repository.transaction(async (writer) => {
      const offering = UUID.test(input.instructorId) ? await writer.lockInstructorOffering(input.instructorId) : null;
      const terms = bookableTerms(offering, input.instructorId, request);
      return writer.insertRequested({
        id: randomUUID(),
        instructorId: input.instructorId,
        instructorUserId: offering!.userId,
        studentId,
        serviceId: input.serviceId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000),
        durationMinutes,
        lessonMode: input.lessonMode,
        price: lessonPrice(terms.hourlyRate, durationMinutes),
        notes,
      });
    });

    try {
      await this.holds.hold({ bookingId: requested.id, instructorId: requested.instructorId, startsAt: requested.startsAt, endsAt: requested.endsAt });
    } catch (error) {
      if (refusedByAvailability(error)) await this.repository.transaction((writer) => writer.deleteRequested(requested.id));
      else await this.abandon(requested);
      throw error;
    }
    try {
      return await this.confirm(requested);
    } catch (error) {
      await this.abandon(requested);
      throw error;
    }
  }

  /**
   * Settles a create whose process died before answering: the hold is asked again (idempotent on
   * the booking id) and the booking confirmed, or removed when availability refuses. Left for the
   * next run when availability cannot be reached.
   */
  async settleRequested(booking: Booking): Promise<'confirmed' | 'removed' | 'pending'> {
    try {
      try {
        await this.holds.hold({ bookingId: booking.id, instructorId: booking.instructorId, startsAt: booking.startsAt, endsAt: booking.endsAt });
      } catch (error) {
        if (!refusedByAvailability(error)) return 'pending';
        await this.repository.transaction((writer) => writer.deleteRequested(booking.id));
        return 'removed';
      }
      await this.confirm(booking);
      return 'confirmed';
    } catch (error) {
      this.logger.warn({ err: error, bookingId: booking.id }, 'could not settle a requested booking; will retry');
      return 'pending';
    }
  }

  private confirm(requested: Booking): Promise<Booking> {
    return this.repository.transaction(async (writer) => {
      await writer.lockInstructorOffering(requested.instructorId);
      const confirmed = await writer.transition(requested.id, { from: 'REQUESTED', to: 'CONFIRMED', at: this.clock() });
      if (!confirmed) {
        // Settled meanwhile by the resume job: answer what it decided.
        const current = await writer.findById(requested.id);
        if (current?.status === 'CONFIRMED') return current;
        throw new BookingError(BookingErrorCode.SlotUnavailable, 'The slot could not be booked; try again', { bookingId: requested.id });
      }
      await writer.publish(bookingEventFor(confirmed)!);
      return confirmed;
    });
  }

  /**
   * The outcome of the hold is unknown: release it (idempotent) and remove the booking. Should the
   * release fail too, the booking is removed all the same: a hold that was never confirmed expires
   * at availability on its own (AVAILABILITY_HOLD_TTL_SECONDS), so the slot frees up then.
   */
  private async abandon(requested: Booking): Promise<void> {
    await this.holds.release(requested.id).catch((error: unknown) => {
      this.logger.warn({ err: error, bookingId: requested.id }, 'could not release the hold of a failed booking; it will expire');
    });
    await this.repository.transaction((writer) => writer.deleteRequested(requested.id));
  }
}

/** The resume job's use case: settles REQUESTED bookings older than a minute, oldest first. */
export async function resumeRequestedBookings(repository: BookingRepository, creation: BookingCreation, clock: Clock, limit = 100) {
  const stale = await repository.requestedBefore(new Date(clock().getTime() - RESUME_REQUESTED_AFTER_MS), limit);
  const outcomes = { confirmed: 0, removed: 0, pending: 0 };
  for (const booking of stale) outcomes[await creation.settleRequested(booking)] += 1;
  return outcomes;
}
