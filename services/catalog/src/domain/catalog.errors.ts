import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum CatalogErrorCode {
  CategoryNotFound = 'CATEGORY_NOT_FOUND',
  ServiceNotFound = 'SERVICE_NOT_FOUND',
  InvalidSlug = 'INVALID_SLUG',
  InvalidPageSize = 'INVALID_PAGE_SIZE',
  InvalidCursor = 'INVALID_CURSOR',
  EmptySearchText = 'EMPTY_SEARCH_TEXT',
  SearchTextTooLong = 'SEARCH_TEXT_TOO_LONG',
  UnknownCategory = 'UNKNOWN_CATEGORY',
  UnknownService = 'UNKNOWN_SERVICE',
  InvalidPriceRange = 'INVALID_PRICE_RANGE',
  InvalidLocation = 'INVALID_LOCATION',
  InvalidPostalCode = 'INVALID_POSTAL_CODE',
  UnknownPostalCode = 'UNKNOWN_POSTAL_CODE',
  ConflictingPlace = 'CONFLICTING_PLACE',
  InvalidDistance = 'INVALID_DISTANCE',
  DistanceWithoutPlace = 'DISTANCE_WITHOUT_PLACE',
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
      case CatalogErrorCode.UnknownCategory:
      case CatalogErrorCode.UnknownService:
      case CatalogErrorCode.InvalidPriceRange:
      case CatalogErrorCode.InvalidLocation:
      case CatalogErrorCode.InvalidPostalCode:
      case CatalogErrorCode.UnknownPostalCode:
      case CatalogErrorCode.ConflictingPlace:
      case CatalogErrorCode.InvalidDistance:
      case CatalogErrorCode.DistanceWithoutPlace:
        return ApiErrorCode.BadUserInput;
    }
  }
}
