import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum BookingErrorCode {
  BookingNotFound = 'BOOKING_NOT_FOUND',
  InstructorNotFound = 'INSTRUCTOR_NOT_FOUND',
  SignInRequired = 'SIGN_IN_REQUIRED',
  StudentRoleRequired = 'STUDENT_ROLE_REQUIRED',
  NotBookingInstructor = 'NOT_BOOKING_INSTRUCTOR',
  NotScheduleOwner = 'NOT_SCHEDULE_OWNER',
  InvalidStartTime = 'INVALID_START_TIME',
  InvalidDuration = 'INVALID_DURATION',
  NotesTooLong = 'NOTES_TOO_LONG',
  ReasonTooLong = 'REASON_TOO_LONG',
  InvalidTimeRange = 'INVALID_TIME_RANGE',
  InvalidPageSize = 'INVALID_PAGE_SIZE',
  InvalidCursor = 'INVALID_CURSOR',
  CannotBookSelf = 'CANNOT_BOOK_SELF',
  InstructorNotLive = 'INSTRUCTOR_NOT_LIVE',
  ServiceNotOffered = 'SERVICE_NOT_OFFERED',
  DurationNotOffered = 'DURATION_NOT_OFFERED',
  LessonModeNotOffered = 'LESSON_MODE_NOT_OFFERED',
  SlotUnavailable = 'SLOT_UNAVAILABLE',
  InvalidTransition = 'INVALID_TRANSITION',
  LessonAlreadyStarted = 'LESSON_ALREADY_STARTED',
  LessonNotStarted = 'LESSON_NOT_STARTED',
  LessonNotEnded = 'LESSON_NOT_ENDED',
  AvailabilityUnavailable = 'AVAILABILITY_UNAVAILABLE',
  InvalidIdempotencyKey = 'INVALID_IDEMPOTENCY_KEY',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  UpcomingBookingsLimit = 'UPCOMING_BOOKINGS_LIMIT',
  PaymentRequired = 'PAYMENT_REQUIRED',
  PaymentMethodNotFound = 'PAYMENT_METHOD_NOT_FOUND',
  InstructorCannotAcceptPayments = 'INSTRUCTOR_CANNOT_ACCEPT_PAYMENTS',
  PaymentNotActionable = 'PAYMENT_NOT_ACTIONABLE',
  PaymentProviderUnavailable = 'PAYMENT_PROVIDER_UNAVAILABLE',
  PaymentDeclined = 'PAYMENT_DECLINED',
  InstructorProfileRequired = 'INSTRUCTOR_PROFILE_REQUIRED',
  InvalidPayoutAmount = 'INVALID_PAYOUT_AMOUNT',
  PayoutsNotEnabled = 'PAYOUTS_NOT_ENABLED',
  InstantPayoutsUnsupported = 'INSTANT_PAYOUTS_UNSUPPORTED',
  InsufficientBalance = 'INSUFFICIENT_BALANCE',
  PayoutInProgress = 'PAYOUT_IN_PROGRESS',
  AdminOnly = 'ADMIN_ONLY',
  InvalidCreditAmount = 'INVALID_CREDIT_AMOUNT',
  InvalidCreditExpiry = 'INVALID_CREDIT_EXPIRY',
  ReasonRequired = 'REASON_REQUIRED',
  InsufficientCredits = 'INSUFFICIENT_CREDITS',
  InvalidStudentId = 'INVALID_STUDENT_ID',
  CreditInsteadNotOffered = 'CREDIT_INSTEAD_NOT_OFFERED',
  RefundInProgress = 'REFUND_IN_PROGRESS',
  NotRefundable = 'NOT_REFUNDABLE',
  InvalidRefundAmount = 'INVALID_REFUND_AMOUNT',
  PaymentInProgress = 'PAYMENT_IN_PROGRESS',
  InvalidReferralCode = 'INVALID_REFERRAL_CODE',
  SelfReferral = 'SELF_REFERRAL',
  SameCardReferral = 'SAME_CARD_REFERRAL',
  ReferralAlreadyRedeemed = 'REFERRAL_ALREADY_REDEEMED',
  NotANewStudent = 'NOT_A_NEW_STUDENT',
  ReferralLimitReached = 'REFERRAL_LIMIT_REACHED',
}

/** The one error type of the booking service; mapped to GraphQL codes here and nowhere else. */
export class BookingError extends ServiceError<BookingErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case BookingErrorCode.BookingNotFound:
      case BookingErrorCode.InstructorNotFound:
        return ApiErrorCode.NotFound;
      case BookingErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
      case BookingErrorCode.StudentRoleRequired:
      case BookingErrorCode.NotBookingInstructor:
      case BookingErrorCode.NotScheduleOwner:
      case BookingErrorCode.InstructorProfileRequired:
      case BookingErrorCode.AdminOnly:
      case BookingErrorCode.SelfReferral:
      case BookingErrorCode.SameCardReferral:
        return ApiErrorCode.Forbidden;
      case BookingErrorCode.InvalidStartTime:
      case BookingErrorCode.InvalidDuration:
      case BookingErrorCode.NotesTooLong:
      case BookingErrorCode.ReasonTooLong:
      case BookingErrorCode.InvalidTimeRange:
      case BookingErrorCode.InvalidPageSize:
      case BookingErrorCode.InvalidCursor:
      case BookingErrorCode.CannotBookSelf:
      case BookingErrorCode.InstructorNotLive:
      case BookingErrorCode.ServiceNotOffered:
      case BookingErrorCode.DurationNotOffered:
      case BookingErrorCode.LessonModeNotOffered:
      case BookingErrorCode.InvalidIdempotencyKey:
      case BookingErrorCode.PaymentRequired:
      case BookingErrorCode.PaymentMethodNotFound:
      case BookingErrorCode.InvalidPayoutAmount:
      case BookingErrorCode.InvalidCreditAmount:
      case BookingErrorCode.InvalidCreditExpiry:
      case BookingErrorCode.ReasonRequired:
      case BookingErrorCode.InvalidStudentId:
      case BookingErrorCode.CreditInsteadNotOffered:
      case BookingErrorCode.InvalidRefundAmount:
      case BookingErrorCode.InvalidReferralCode:
        return ApiErrorCode.BadUserInput;
      case BookingErrorCode.SlotUnavailable:
      case BookingErrorCode.InvalidTransition:
      case BookingErrorCode.LessonAlreadyStarted:
      case BookingErrorCode.LessonNotStarted:
      case BookingErrorCode.LessonNotEnded:
      case BookingErrorCode.IdempotencyKeyReused:
      case BookingErrorCode.InstructorCannotAcceptPayments:
      case BookingErrorCode.PaymentNotActionable:
      case BookingErrorCode.PayoutsNotEnabled:
      case BookingErrorCode.InstantPayoutsUnsupported:
      case BookingErrorCode.InsufficientBalance:
      case BookingErrorCode.PayoutInProgress:
      case BookingErrorCode.InsufficientCredits:
      case BookingErrorCode.RefundInProgress:
      case BookingErrorCode.NotRefundable:
      case BookingErrorCode.PaymentInProgress:
      case BookingErrorCode.ReferralAlreadyRedeemed:
      case BookingErrorCode.NotANewStudent:
      case BookingErrorCode.ReferralLimitReached:
        return ApiErrorCode.Conflict;
      case BookingErrorCode.PaymentDeclined:
        return ApiErrorCode.PaymentRequired;
      case BookingErrorCode.UpcomingBookingsLimit:
        return ApiErrorCode.RateLimited;
      case BookingErrorCode.AvailabilityUnavailable:
      case BookingErrorCode.PaymentProviderUnavailable:
        return ApiErrorCode.ServiceUnavailable;
    }
  }
}

/** NOT_FOUND for a booking that does not exist or that the caller may not see (the two are not told apart). */
export const bookingNotFound = (id: string) => new BookingError(BookingErrorCode.BookingNotFound, `No booking with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
