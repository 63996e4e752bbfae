import { ApiErrorCode, ServiceError } from '@instainstru/platform';

export enum PartnersErrorCode {
  SignInRequired = 'SIGN_IN_REQUIRED',
  AdminOnly = 'ADMIN_ONLY',
  InvalidName = 'INVALID_NAME',
  InvalidScopes = 'INVALID_SCOPES',
  InvalidPlan = 'INVALID_PLAN',
  PartnerApiKeyNotFound = 'PARTNER_API_KEY_NOT_FOUND',
  KeyStoreUnavailable = 'KEY_STORE_UNAVAILABLE',
}

/** The one error type of the partners service; mapped to GraphQL codes here and nowhere else. */
export class PartnersError extends ServiceError<PartnersErrorCode> {
  get apiCode(): ApiErrorCode {
    switch (this.code) {
      case PartnersErrorCode.SignInRequired:
        return ApiErrorCode.Unauthenticated;
      case PartnersErrorCode.AdminOnly:
        return ApiErrorCode.Forbidden;
      case PartnersErrorCode.InvalidName:
      case PartnersErrorCode.InvalidScopes:
      case PartnersErrorCode.InvalidPlan:
        return ApiErrorCode.BadUserInput;
      case PartnersErrorCode.PartnerApiKeyNotFound:
        return ApiErrorCode.NotFound;
      case PartnersErrorCode.KeyStoreUnavailable:
        return ApiErrorCode.ServiceUnavailable;
    }
  }
}

/** A refused argument: `details` are `{ field, problem }` plus any limits. */
export function badInput(code: PartnersErrorCode, field: string, problem: string, limits: Record<string, unknown> = {}): PartnersError {
  return new PartnersError(code, `${field}: ${problem}`, { field, problem, ...limits });
}
