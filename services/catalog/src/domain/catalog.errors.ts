import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum CatalogErrorCode {
  CategoryNotFound = 'CATEGORY_NOT_FOUND',
  ServiceNotFound = 'SERVICE_NOT_FOUND',
  InvalidSlug = 'INVALID_SLUG',
  InvalidPageSize = 'INVALID_PAGE_SIZE',
  InvalidCursor = 'INVALID_CURSOR',
  EmptySearchText = 'EMPTY_SEARCH_TEXT',
  SearchTextTooLong = 'SEARCH_TEXT_TOO_LONG',
}

/** The one error type of the catalog; mapped to GraphQL codes here and nowhere else. */
export class CatalogError extends ServiceError<CatalogErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case CatalogErrorCode.CategoryNotFound:
      case CatalogErrorCode.ServiceNotFound:
        return ApiErrorCode.NotFound;
      case CatalogErrorCode.InvalidSlug:
      case CatalogErrorCode.InvalidPageSize:
      case CatalogErrorCode.InvalidCursor:
      case CatalogErrorCode.EmptySearchText:
      case CatalogErrorCode.SearchTextTooLong:
        return ApiErrorCode.BadUserInput;
    }
  }
}
