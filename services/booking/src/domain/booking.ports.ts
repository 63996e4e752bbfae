import type { NewEvent } from '@instainstru/events';
import type { PaymentUnitOfWork } from './payment.ports';
import type { Booking, BookingPageKey, BookingTransition, BookingWhen, InstructorOffering, NewBooking } from './booking.types';

/**
 * What a create's single statement did: BOOKED (the booking and its event written); SLOT_TAKEN
 * (the read model was at the revision checked, and the slot, or the booking id, was taken);
 * REVISION_MOVED (the read model moved on or lost the instructor: nothing was tried).
 */
export type InsertAtRevision = 'BOOKED' | 'SLOT_TAKEN' | 'REVISION_MOVED';

/**
 * Everything written in one database transaction; events published here commit with the change
 * or not at all (transactional outbox).
 */
export interface BookingUnitOfWork {
  /**
   * The instructor's terms, share-locked until the transaction ends: they cannot change under a
   * create (a read-model update waits for it), while creates for the same instructor still run
   * side by side — overlaps among them are the exclusion constraint's to decide.
   */
  lockInstructorOffering(instructorId: string): Promise<InstructorOffering | null>;
  /**
   * Inserts the booking as CONFIRMED at `confirmedAt`; null, writing nothing, when it overlaps
   * another active booking of the instructor (or its id is taken). A clash is answered at once,
   * never by waiting inside the constraint check, where two inserts could deadlock.
   */
  insertConfirmed(booking: NewBooking, confirmedAt: Date): Promise<Booking | null>;
  /**
   * Inserts a booking REQUESTED (created at `createdAt`) with its payment AUTHORIZING, attempt 1:
   * a lesson authorised while booking. Null, writing nothing, on an overlap, as insertConfirmed.
   */
  insertRequested(booking: NewBooking, createdAt: Date): Promise<Booking | null>;
  /**
   * Reserves `amountMinor` of the student's credits for the booking (reserved:<booking>),
   * soonest-expiring lots first, lots expired at `now` left out; false, writing nothing, when the
   * student has not that much. The student's account stays locked until the transaction ends.
   */
  reserveCredits(studentId: string, bookingId: string, amountMinor: number, currency: string, now: Date): Promise<boolean>;
  /** Deletes a REQUESTED booking and its payment (its authorisation was declined while booking); false when it is no longer REQUESTED. */
  discardRequested(id: string): Promise<boolean>;
  /** Compare-and-set on status; null when the booking is not (or no longer) in `from`. */
  transition(id: string, change: BookingTransition): Promise<Booking | null>;
  findById(id: string): Promise<Booking | null>;
  /** CONFIRMED bookings ended before `endedBefore`, locked for this transaction (others skip them). */
  lockEndedConfirmed(endedBefore: Date, limit: number): Promise<Booking[]>;
  /** Appends an event to the outbox: committed with the change or not at all. */
  publish(event: NewEvent<object>): Promise<void>;
  /** The bookings' payments, written in the same transaction. */
  readonly payments: PaymentUnitOfWork;
}

export interface BookingRepository {
  findById(id: string): Promise<Booking | null>;
  instructorOffering(instructorId: string): Promise<InstructorOffering | null>;
  /** One page of a student's bookings, ordered by start (ascending for UPCOMING, descending for PAST). */
  studentBookings(studentId: string, when: BookingWhen, now: Date, after: BookingPageKey | null, limit: number): Promise<Booking[]>;
  /**
   * How many active bookings (REQUESTED or CONFIRMED) of the student have not ended at `now`:
   * lessons in progress count, cancelled, completed and no-show ones do not. One indexed read.
   */
  countUpcomingOfStudent(studentId: string, now: Date): Promise<number>;
  /** An instructor's bookings overlapping [from, to), by start. */
  instructorBookings(instructorId: string, from: Date, to: Date, includeCancelled: boolean): Promise<Booking[]>;
  /**
   * A create's transaction as one statement: when the instructor's read-model row is still at
   * `revision`, share-locks it, inserts the booking CONFIRMED at `confirmedAt` (created then too,
   * payment NOT_STARTED) and appends `event`. Writes nothing when the row is gone or at another
   * revision, or when the booking overlaps another active booking of the instructor (or its id is
   * taken), and says which.
   */
  insertConfirmedAtRevision(booking: NewBooking, confirmedAt: Date, revision: number, event: NewEvent<object>): Promise<InsertAtRevision>;
  transaction<T>(work: (unitOfWork: BookingUnitOfWork) => Promise<T>): Promise<T>;
}

export type Clock = () => Date;

/** Writes booking's read model of instructors inside the consumer's transaction (which also records the inbox row). */
export interface InstructorOfferingsUnitOfWork {
  /** Stores the state unless the stored revision is newer (the same revision carries the same state; applied again, it backfills); true when stored. */
  applyIfNewer(offering: InstructorOffering): Promise<boolean>;
}
