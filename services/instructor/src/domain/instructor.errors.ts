import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum InstructorErrorCode {
  InstructorNotFound = 'INSTRUCTOR_NOT_FOUND',
  OfferedServiceNotFound = 'OFFERED_SERVICE_NOT_FOUND',
  SignInRequired = 'SIGN_IN_REQUIRED',
  InstructorRoleRequired = 'INSTRUCTOR_ROLE_REQUIRED',
  NotProfileOwner = 'NOT_PROFILE_OWNER',
  AdminOnly = 'ADMIN_ONLY',
  PrivateDetailsHidden = 'PRIVATE_DETAILS_HIDDEN',
  InvalidInput = 'INVALID_INPUT',
  InvalidTimezone = 'INVALID_TIMEZONE',
  AddressNotFound = 'ADDRESS_NOT_FOUND',
  AddressRequiredForInPersonLessons = 'ADDRESS_REQUIRED_FOR_IN_PERSON_LESSONS',
  InvalidUploadKey = 'INVALID_UPLOAD_KEY',
  UploadNotFound = 'UPLOAD_NOT_FOUND',
  UploadLimitReached = 'UPLOAD_LIMIT_REACHED',
  UnsupportedFileType = 'UNSUPPORTED_FILE_TYPE',
  FileTooLarge = 'FILE_TOO_LARGE',
  ProfileAlreadyExists = 'PROFILE_ALREADY_EXISTS',
  VersionConflict = 'VERSION_CONFLICT',
  ServiceAlreadyOffered = 'SERVICE_ALREADY_OFFERED',
  LastServiceWhileLive = 'LAST_SERVICE_WHILE_LIVE',
  IdentityAlreadyVerified = 'IDENTITY_ALREADY_VERIFIED',
  BackgroundCheckAlreadyApproved = 'BACKGROUND_CHECK_ALREADY_APPROVED',
  BackgroundCheckNotPending = 'BACKGROUND_CHECK_NOT_PENDING',
  GoLiveRequirementsMissing = 'GO_LIVE_REQUIREMENTS_MISSING',
  PaymentProviderUnavailable = 'PAYMENT_PROVIDER_UNAVAILABLE',
  StorageUnavailable = 'STORAGE_UNAVAILABLE',
  GeocoderUnavailable = 'GEOCODER_UNAVAILABLE',
}

/** The one error type of the instructor service; mapped to GraphQL codes here and nowhere else. */
export class InstructorError extends ServiceError<InstructorErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case InstructorErrorCode.InstructorNotFound:
      case InstructorErrorCode.OfferedServiceNotFound:
        return ApiErrorCode.NotFound;
      case InstructorErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
      case InstructorErrorCode.InstructorRoleRequired:
      case InstructorErrorCode.NotProfileOwner:
      case InstructorErrorCode.AdminOnly:
      case InstructorErrorCode.PrivateDetailsHidden:
        return ApiErrorCode.Forbidden;
      case InstructorErrorCode.InvalidInput:
      case InstructorErrorCode.InvalidTimezone:
      case InstructorErrorCode.AddressNotFound:
      case InstructorErrorCode.AddressRequiredForInPersonLessons:
      case InstructorErrorCode.InvalidUploadKey:
      case InstructorErrorCode.UploadNotFound:
      case InstructorErrorCode.UnsupportedFileType:
      case InstructorErrorCode.FileTooLarge:
        return ApiErrorCode.BadUserInput;
      case InstructorErrorCode.ProfileAlreadyExists:
      case InstructorErrorCode.VersionConflict:
      case InstructorErrorCode.ServiceAlreadyOffered:
      case InstructorErrorCode.LastServiceWhileLive:
      case InstructorErrorCode.IdentityAlreadyVerified:
      case InstructorErrorCode.BackgroundCheckAlreadyApproved:
      case InstructorErrorCode.BackgroundCheckNotPending:
      case InstructorErrorCode.GoLiveRequirementsMissing:
        return ApiErrorCode.Conflict;
      case InstructorErrorCode.UploadLimitReached:
        return ApiErrorCode.RateLimited;
      case InstructorErrorCode.PaymentProviderUnavailable:
      case InstructorErrorCode.StorageUnavailable:
      case InstructorErrorCode.GeocoderUnavailable:
        return ApiErrorCode.ServiceUnavailable;
    }
  }
}

/** Shorthand for a bad argument: which field and what is wrong with it. */
export function invalidInput(field: string, problem: string): InstructorError {
  return new InstructorError(InstructorErrorCode.InvalidInput, `${field}: ${problem}`, { field, problem });
}
