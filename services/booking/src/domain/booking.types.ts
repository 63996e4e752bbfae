import type { CancelledByValue, CompletedByValue, LessonModeValue } from '@instainstru/events';
import type { NewPayment, PaymentStatus as PaymentState } from './payment.types';

/**
 * REQUESTED: a lesson sooner than the authorisation lead time, its slot held while the card is
 * authorised with the student present (their bank may ask them to authenticate); CONFIRMED once
 * authorised, CANCELLED by the system when the window passes. Every other create inserts its
 * booking CONFIRMED. REQUESTED counts as active in the exclusion constraint; its student sees it
 * (myBookings) and may cancel it; the instructor's schedule leaves it out.
 */
export type BookingStatus = 'REQUESTED' | 'CONFIRMED' | 'COMPLETED' | 'CANCELLED' | 'NO_SHOW';
export type LessonMode = LessonModeValue;
export type CancelledBy = CancelledByValue;
export type CompletedBy = CompletedByValue;

/**
 * Where the booking's money stands: its payment's status (payment.types.ts), or NOT_STARTED for a
 * booking made without a payment (before payments existed, or by seeds and benches). Events carry it.
 */
export type PaymentStatus = 'NOT_STARTED' | PaymentState;

export interface Price {
  amountMinor: number;
  currency: string;
}

export interface Booking {
  id: string;
  status: BookingStatus;
  instructorId: string;
  instructorUserId: string;
  studentId: string;
  serviceId: string;
  /** Instants, ISO 8601 in UTC; the end is exclusive. */
  startsAt: string;
  endsAt: string;
  durationMinutes: number;
  lessonMode: LessonMode;
  price: Price;
  paymentStatus: PaymentStatus;
  notes: string | null;
  createdAt: string;
  confirmedAt: string | null;
  cancellation: { cancelledBy: CancelledBy; reason: string | null; cancelledAt: string } | null;
  completion: { completedBy: CompletedBy; completedAt: string } | null;
  noShowMarkedAt: string | null;
}

/** A new booking as the create use case inserts it (status CONFIRMED). */
export interface NewBooking {
  id: string;
  instructorId: string;
  instructorUserId: string;
  studentId: string;
  serviceId: string;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  lessonMode: LessonMode;
  price: Price;
  notes: string | null;
  /** How it will be paid; null only for bookings made without payment (seeds, benches). */
  payment: NewPayment | null;
}

/** What booking knows of one instructor, from instructor events (applied only when newer). */
export interface InstructorOffering {
  instructorId: string;
  userId: string;
  isLive: boolean;
  timezone: string;
  revision: number;
  offeredServices: OfferedServiceTerms[];
}

export interface OfferedServiceTerms {
  serviceId: string;
  hourlyRate: Price;
  durationsMinutes: number[];
  lessonModes: LessonMode[];
}

export type BookingWhen = 'UPCOMING' | 'PAST';

/** Keyset position in a student's bookings (ordered by start, then id). */
export interface BookingPageKey {
  startsAt: string;
  id: string;
}

/** A transition's compare-and-set: the status it requires and what it records. */
export type BookingTransition =
  | { to: 'CONFIRMED'; from: 'REQUESTED'; at: Date }
  | { to: 'CANCELLED'; from: 'CONFIRMED' | 'REQUESTED' | 'COMPLETED' | 'NO_SHOW'; at: Date; cancelledBy: CancelledBy; reason: string | null }
  | { to: 'COMPLETED'; from: 'CONFIRMED'; at: Date; completedBy: CompletedBy }
  | { to: 'NO_SHOW'; from: 'CONFIRMED'; at: Date };

/** What the cancelling student chose for what goes back to them: their card (the default) or platform credits, where the policy offers them. */
export interface CancellationChoice {
  refundTo?: 'CARD' | 'CREDITS';
}
