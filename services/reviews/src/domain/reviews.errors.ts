import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum ReviewsErrorCode {
  ReviewNotFound = 'REVIEW_NOT_FOUND',
}

/** The one error type of the reviews service; mapped to GraphQL codes here and nowhere else. */
export class ReviewsError extends ServiceError<ReviewsErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case ReviewsErrorCode.ReviewNotFound:
        return ApiErrorCode.NotFound;
    }
  }
}
