import type { BookingEventState, HeldSlot, ReleaseHoldResponse } from '@instainstru/events';
import type { AvailabilityConfig } from '../availability.config';
import { instructorNotFound } from './access.rules';
import { AvailabilityError, AvailabilityErrorCode, badInput } from './availability.errors';
import type { SlotHold } from './availability.types';
import type { CalendarRepository, CalendarUnitOfWork } from './calendar.ports';

/** A hold covers at most this long (no lesson is longer). */
const MAX_HOLD_MINUTES = 12 * 60;
const MINUTE = 60_000;

export interface HoldRequest {
  bookingId: string;
  instructorId: string;
  startsAt: Date;
  endsAt: Date;
}

/** What availability reads of a booking event. */
export type BookedLesson = Pick<BookingEventState, 'bookingId' | 'instructorId' | 'startsAt' | 'endsAt'>;

/** A hold as the slot-hold contract answers it. */
const viewOf = (h: SlotHold): HeldSlot => ({
  bookingId: h.bookingId,
  instructorId: h.instructorId,
  startsAt: h.startsAt.toISOString(),
  endsAt: h.endsAt.toISOString(),
  status: h.status,
  expiresAt: h.expiresAt?.toISOString() ?? null,
});

const isActive = (h: SlotHold, now: Date) => h.status === 'CONFIRMED' || (h.expiresAt !== null && h.expiresAt > now);

/**
 * Slot holds for bookings. Whether two holds overlap (buffers included) is decided by the
 * exclusion constraint on slot_hold, never by a check here. Expired unconfirmed holds are deleted
 * (by the sweeper, and for the instructor at hand right before a new hold is inserted) so the
 * constraint never counts them.
 */
export class SlotHolds {
  constructor(
    private readonly calendar: CalendarRepository,
    private readonly config: AvailabilityConfig,
    private readonly clock: () => Date,
  ) {}

  /** Idempotent on bookingId: the same booking and range answer the existing hold. */
  async hold(request: HoldRequest): Promise<HeldSlot> {
    const { bookingId, instructorId, startsAt, endsAt } = request;
    const minutes = (endsAt.getTime() - startsAt.getTime()) / MINUTE;
    if (!(minutes > 0) || minutes > MAX_HOLD_MINUTES) {
      throw badInput(AvailabilityErrorCode.InvalidHoldRange, 'endsAt', `must be after startsAt, at most ${MAX_HOLD_MINUTES} minutes later`);
    }
    return this.calendar.transaction(async (repo) => {
      if (!(await repo.lockCalendar(instructorId))) throw instructorNotFound(instructorId);
      const now = this.clock();
      const existing = await repo.findHold(bookingId);
      if (existing) {
        const same = existing.instructorId === instructorId && existing.startsAt.getTime() === startsAt.getTime() && existing.endsAt.getTime() === endsAt.getTime();
        if (!same) {
          throw new AvailabilityError(AvailabilityErrorCode.HoldMismatch, 'This booking already holds another slot', { bookingId, held: viewOf(existing) });
        }
        if (isActive(existing, now)) return viewOf(existing);
        await repo.deleteHold(bookingId);
      }
      this.assertBookableTime(startsAt, now);
      if (!(await repo.isInsideWindows(instructorId, { start: startsAt, end: endsAt }))) {
        throw new AvailabilityError(AvailabilityErrorCode.OutsideAvailability, 'The slot is not inside the instructor’s published availability', {
          startsAt: startsAt.toISOString(),
          endsAt: endsAt.toISOString(),
        });
      }
      await repo.deleteExpiredHolds(now, instructorId);
      const hold: SlotHold = { bookingId, instructorId, startsAt, endsAt, status: 'HELD', expiresAt: new Date(now.getTime() + this.config.holdTtlSeconds * 1000) };
      if (!(await repo.insertHold(hold, this.config.bufferMinutes))) {
        throw new AvailabilityError(AvailabilityErrorCode.SlotUnavailable, 'The slot overlaps another held or booked lesson (buffers included)', {
          startsAt: startsAt.toISOString(),
          endsAt: endsAt.toISOString(),
          bufferMinutes: this.config.bufferMinutes,
        });
      }
      return viewOf(hold);
    });
  }

  /** Idempotent: releasing twice, or a booking without a hold, answers released: false. */
  async release(bookingId: string): Promise<ReleaseHoldResponse> {
    return { released: await this.calendar.deleteHold(bookingId) };
  }

  /** Deletes every unconfirmed hold past its expiry; returns how many. */
  sweepExpired(): Promise<number> {
    return this.calendar.deleteExpiredHolds(this.clock());
  }

  private assertBookableTime(startsAt: Date, now: Date): void {
    if (startsAt < now) throw new AvailabilityError(AvailabilityErrorCode.SlotInPast, 'The slot starts in the past', { now: now.toISOString() });
    const earliestStart = new Date(now.getTime() + this.config.minNoticeMinutes * MINUTE);
    if (startsAt < earliestStart) {
      throw new AvailabilityError(AvailabilityErrorCode.InsideMinimumNotice, `Lessons are booked at least ${this.config.minNoticeMinutes} minutes ahead`, {
        minNoticeMinutes: this.config.minNoticeMinutes,
        earliestStart: earliestStart.toISOString(),
      });
    }
    const latestStart = new Date(now.getTime() + this.config.horizonDays * 24 * 60 * MINUTE);
    if (startsAt > latestStart) {
      throw new AvailabilityError(AvailabilityErrorCode.BeyondBookingHorizon, `Lessons are booked at most ${this.config.horizonDays} days ahead`, {
        horizonDays: this.config.horizonDays,
        latestStart: latestStart.toISOString(),
      });
    }
  }
}

/**
 * A booking was confirmed: its hold becomes permanent. When the hold is gone (it expired and was
 * swept before the confirmation arrived) it is taken again as confirmed if the slot is still free;
 * otherwise `warn` reports a confirmed booking without a hold.
 */
export async function confirmBookedLesson(repo: CalendarUnitOfWork, lesson: BookedLesson, bufferMinutes: number, warn: (message: string, details: object) => void): Promise<void> {
  if (await repo.confirmHold(lesson.bookingId)) return;
  // Taken again under the calendar lock, like any hold, so a save cannot interleave.
  await repo.lockCalendar(lesson.instructorId);
  const hold: SlotHold = {
    bookingId: lesson.bookingId,
    instructorId: lesson.instructorId,
    startsAt: new Date(lesson.startsAt),
    endsAt: new Date(lesson.endsAt),
    status: 'CONFIRMED',
    expiresAt: null,
  };
  if (!(await repo.insertHold(hold, bufferMinutes))) warn('confirmed booking has no hold and its slot is taken', { bookingId: lesson.bookingId });
}

/** A booking was cancelled: its slot is free again. */
export async function releaseCancelledLesson(repo: CalendarUnitOfWork, lesson: BookedLesson): Promise<void> {
  await repo.deleteHold(lesson.bookingId);
}
