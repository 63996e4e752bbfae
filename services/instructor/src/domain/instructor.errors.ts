import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum InstructorErrorCode {
  InstructorNotFound = 'INSTRUCTOR_NOT_FOUND',
}

/** The one error type of the instructor service; mapped to GraphQL codes here and nowhere else. */
export class InstructorError extends ServiceError<InstructorErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case InstructorErrorCode.InstructorNotFound:
        return ApiErrorCode.NotFound;
    }
  }
}
