import { hasRole, isUuid, type Caller } from '@instainstru/platform';
import { BookingError, BookingErrorCode, bookingNotFound } from './booking.errors';
import { decodeCursor, encodeCursor, requirePageSize, requireScheduleWindow } from './booking.rules';
import type { BookingRepository, Clock } from './booking.ports';
import type { Booking, BookingWhen } from './booking.types';

/** A booking is visible to its student, its instructor and admins only. */
export function isParty(caller: Caller, booking: Booking): boolean {
  return hasRole(caller, 'admin') || caller.userId === booking.studentId || caller.userId === booking.instructorUserId;
}

/** Notes are between the student and the instructor: admins see the booking, not the notes. */
export function seesNotes(caller: Caller, booking: Booking): boolean {
  return caller.userId !== null && (caller.userId === booking.studentId || caller.userId === booking.instructorUserId);
}

export interface BookingPage {
  edges: { cursor: string; node: Booking }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** What a caller may read: one booking, their own bookings as a student, their schedule as an instructor. */
export class Bookings {
  constructor(
    private readonly repository: BookingRepository,
    private readonly caller: Caller,
    private readonly clock: Clock = () => new Date(),
  ) {}

  async visibleBooking(id: string): Promise<Booking | null> {
    this.requireSignIn();
    const booking = isUuid(id) ? await this.repository.findById(id) : null;
    return booking && isParty(this.caller, booking) ? booking : null;
  }

  async requireVisibleBooking(id: string): Promise<Booking> {
    const booking = await this.visibleBooking(id);
    if (!booking) throw bookingNotFound(id);
    return booking;
  }

  /**
   * The signed-in student's bookings: UPCOMING (not yet ended, soonest first) or PAST (ended,
   * latest first), cancelled ones included (a create still in flight is not shown); keyset
   * pagination on (start, id), at most MAX_PAGE_SIZE a page.
   */
  async myBookings(when: BookingWhen, first: number | null | undefined, after: string | null | undefined): Promise<BookingPage> {
    const studentId = this.requireSignIn();
    const size = requirePageSize(first);
    const rows = await this.repository.studentBookings(studentId, when, this.clock(), decodeCursor(after), size + 1);
    const page = rows.slice(0, size);
    const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /**
   * An instructor's bookings overlapping [from, to), by start, for the instructor themself
   * (recognised from instructor events) or an admin. Cancelled ones only when asked.
   */
  async instructorSchedule(instructorId: string, fromRaw: string, toRaw: string, includeCancelled: boolean): Promise<Booking[]> {
    const userId = this.requireSignIn();
    const { from, to } = requireScheduleWindow(fromRaw, toRaw);
    const offering = isUuid(instructorId) ? await this.repository.instructorOffering(instructorId) : null;
    if (!hasRole(this.caller, 'admin')) {
      if (offering?.userId !== userId) throw new BookingError(BookingErrorCode.NotScheduleOwner, "Only the instructor and admins can see an instructor's schedule", { instructorId: instructorId.slice(0, 64) });
    } else if (!offering && !isUuid(instructorId)) {
      throw new BookingError(BookingErrorCode.InstructorNotFound, `No instructor with id "${instructorId.slice(0, 64)}"`, { instructorId: instructorId.slice(0, 64) });
    }
    return this.repository.instructorBookings(instructorId, from, to, includeCancelled);
  }

  private requireSignIn(): string {
    if (!this.caller.userId) throw new BookingError(BookingErrorCode.SignInRequired, 'Sign in to see bookings');
    return this.caller.userId;
  }
}
