import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum AvailabilityErrorCode {
  InvalidWeekStart = 'INVALID_WEEK_START',
  InvalidInstructorId = 'INVALID_INSTRUCTOR_ID',
}

/** The one error type of the availability service; mapped to GraphQL codes here and nowhere else. */
export class AvailabilityError extends ServiceError<AvailabilityErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case AvailabilityErrorCode.InvalidWeekStart:
      case AvailabilityErrorCode.InvalidInstructorId:
        return ApiErrorCode.BadUserInput;
    }
  }
}
