import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum AvailabilityErrorCode {
  InvalidWeekStart = 'INVALID_WEEK_START',
  InvalidInstructorId = 'INVALID_INSTRUCTOR_ID',
  InvalidSlot = 'INVALID_SLOT',
  OverlappingSlots = 'OVERLAPPING_SLOTS',
  TooManySlots = 'TOO_MANY_SLOTS',
  EmptyWeekWithoutClear = 'EMPTY_WEEK_WITHOUT_CLEAR',
  InvalidCopyWeeks = 'INVALID_COPY_WEEKS',
  InvalidDate = 'INVALID_DATE',
  InvalidDateRange = 'INVALID_DATE_RANGE',
  InvalidDuration = 'INVALID_DURATION',
  InvalidTimezone = 'INVALID_TIMEZONE',
  InvalidFirst = 'INVALID_FIRST',
  InvalidHoldRange = 'INVALID_HOLD_RANGE',
  SlotInPast = 'SLOT_IN_PAST',
  InsideMinimumNotice = 'INSIDE_MINIMUM_NOTICE',
  BeyondBookingHorizon = 'BEYOND_BOOKING_HORIZON',
  SignInRequired = 'SIGN_IN_REQUIRED',
  NotCalendarOwner = 'NOT_CALENDAR_OWNER',
  InstructorNotFound = 'INSTRUCTOR_NOT_FOUND',
  StaleWeekVersion = 'STALE_WEEK_VERSION',
  WouldRemoveBookedTime = 'WOULD_REMOVE_BOOKED_TIME',
  SlotUnavailable = 'SLOT_UNAVAILABLE',
  OutsideAvailability = 'OUTSIDE_AVAILABILITY',
  HoldMismatch = 'HOLD_MISMATCH',
}

/** The one error type of the availability service; mapped to GraphQL codes here and nowhere else. */
export class AvailabilityError extends ServiceError<AvailabilityErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case AvailabilityErrorCode.InvalidWeekStart:
      case AvailabilityErrorCode.InvalidInstructorId:
      case AvailabilityErrorCode.InvalidSlot:
      case AvailabilityErrorCode.OverlappingSlots:
      case AvailabilityErrorCode.TooManySlots:
      case AvailabilityErrorCode.EmptyWeekWithoutClear:
      case AvailabilityErrorCode.InvalidCopyWeeks:
      case AvailabilityErrorCode.InvalidDate:
      case AvailabilityErrorCode.InvalidDateRange:
      case AvailabilityErrorCode.InvalidDuration:
      case AvailabilityErrorCode.InvalidTimezone:
      case AvailabilityErrorCode.InvalidFirst:
      case AvailabilityErrorCode.InvalidHoldRange:
      case AvailabilityErrorCode.SlotInPast:
      case AvailabilityErrorCode.InsideMinimumNotice:
      case AvailabilityErrorCode.BeyondBookingHorizon:
        return ApiErrorCode.BadUserInput;
      case AvailabilityErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
      case AvailabilityErrorCode.NotCalendarOwner:
        return ApiErrorCode.Forbidden;
      case AvailabilityErrorCode.InstructorNotFound:
        return ApiErrorCode.NotFound;
      case AvailabilityErrorCode.StaleWeekVersion:
      case AvailabilityErrorCode.WouldRemoveBookedTime:
      case AvailabilityErrorCode.SlotUnavailable:
      case AvailabilityErrorCode.OutsideAvailability:
      case AvailabilityErrorCode.HoldMismatch:
        return ApiErrorCode.Conflict;
    }
  }
}

/** Shorthand for a refused argument: which field and what is wrong with it. */
export function badInput(code: AvailabilityErrorCode, field: string, problem: string, details: Record<string, unknown> = {}): AvailabilityError {
  return new AvailabilityError(code, `${field}: ${problem}`, { field, problem, ...details });
}
