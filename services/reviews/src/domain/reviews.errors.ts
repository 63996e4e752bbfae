import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum ReviewsErrorCode {
  ReviewNotFound = 'REVIEW_NOT_FOUND',
  LessonNotFound = 'LESSON_NOT_FOUND',
  SignInRequired = 'SIGN_IN_REQUIRED',
  StudentRoleRequired = 'STUDENT_ROLE_REQUIRED',
  AdminOnly = 'ADMIN_ONLY',
  NotReviewAuthor = 'NOT_REVIEW_AUTHOR',
  NotReviewedInstructor = 'NOT_REVIEWED_INSTRUCTOR',
  InvalidRating = 'INVALID_RATING',
  InvalidText = 'INVALID_TEXT',
  TextTooLong = 'TEXT_TOO_LONG',
  InvalidReason = 'INVALID_REASON',
  InvalidPageSize = 'INVALID_PAGE_SIZE',
  InvalidCursor = 'INVALID_CURSOR',
  NothingToChange = 'NOTHING_TO_CHANGE',
  LessonNotCompleted = 'LESSON_NOT_COMPLETED',
  LessonCancelled = 'LESSON_CANCELLED',
  LessonNoShow = 'LESSON_NO_SHOW',
  ReviewWindowClosed = 'REVIEW_WINDOW_CLOSED',
  AlreadyReviewed = 'ALREADY_REVIEWED',
  EditWindowClosed = 'EDIT_WINDOW_CLOSED',
  AlreadyResponded = 'ALREADY_RESPONDED',
  AlreadyHidden = 'ALREADY_HIDDEN',
  NotHidden = 'NOT_HIDDEN',
}

/** The one error type of the reviews service; mapped to GraphQL codes here and nowhere else. */
export class ReviewsError extends ServiceError<ReviewsErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case ReviewsErrorCode.ReviewNotFound:
      case ReviewsErrorCode.LessonNotFound:
        return ApiErrorCode.NotFound;
      case ReviewsErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
      case ReviewsErrorCode.StudentRoleRequired:
      case ReviewsErrorCode.AdminOnly:
      case ReviewsErrorCode.NotReviewAuthor:
      case ReviewsErrorCode.NotReviewedInstructor:
        return ApiErrorCode.Forbidden;
      case ReviewsErrorCode.InvalidRating:
      case ReviewsErrorCode.InvalidText:
      case ReviewsErrorCode.TextTooLong:
      case ReviewsErrorCode.InvalidReason:
      case ReviewsErrorCode.InvalidPageSize:
      case ReviewsErrorCode.InvalidCursor:
      case ReviewsErrorCode.NothingToChange:
        return ApiErrorCode.BadUserInput;
      case ReviewsErrorCode.LessonNotCompleted:
      case ReviewsErrorCode.LessonCancelled:
      case ReviewsErrorCode.LessonNoShow:
      case ReviewsErrorCode.ReviewWindowClosed:
      case ReviewsErrorCode.AlreadyReviewed:
      case ReviewsErrorCode.EditWindowClosed:
      case ReviewsErrorCode.AlreadyResponded:
      case ReviewsErrorCode.AlreadyHidden:
      case ReviewsErrorCode.NotHidden:
        return ApiErrorCode.Conflict;
    }
  }
}

export const reviewNotFound = (id: string) => new ReviewsError(ReviewsErrorCode.ReviewNotFound, `No review with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
