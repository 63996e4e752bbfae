import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum BookingErrorCode {
  BookingNotFound = 'BOOKING_NOT_FOUND',
  SignInRequired = 'SIGN_IN_REQUIRED',
}

/** The one error type of the booking service; mapped to GraphQL codes here and nowhere else. */
export class BookingError extends ServiceError<BookingErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case BookingErrorCode.BookingNotFound:
        return ApiErrorCode.NotFound;
      case BookingErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
    }
  }
}
