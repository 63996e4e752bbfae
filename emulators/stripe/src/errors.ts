/** Stripe's error shape and the HTTP status each kind travels with. */
export type StripeErrorType = 'api_error' | 'card_error' | 'idempotency_error' | 'invalid_request_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  decline_code?: string;
  param?: string;
  doc_url?: string;
  charge?: string;
  payment_intent?: unknown;
  setup_intent?: unknown;
  payment_method?: unknown;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

/** 400 invalid_request_error. */
export function invalidRequest(message: string, options: { code?: string; param?: string; status?: number } = {}): StripeApiError {
  const body: StripeErrorBody = { type: 'invalid_request_error', message };
  if (options.code) {
    body.code = options.code;
    body.doc_url = docUrl(options.code);
  }
  if (options.param) body.param = options.param;
  return new StripeApiError(options.status ?? 400, body);
}

export const missingParam = (param: string): StripeApiError =>
  invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });

export const invalidParam = (param: string, message: string, code = 'parameter_invalid_empty'): StripeApiError =>
  invalidRequest(message, { code, param });

export const unknownParam = (param: string): StripeApiError =>
  invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });

/** 404 resource_missing: "No such customer: 'cus_…'". */
export const resourceMissing = (label: string, id: string, param = 'id'): StripeApiError =>
  invalidRequest(`No such ${label}: '${id}'`, { code: 'resource_missing', param, status: 404 });

/** 402 card_error. */
export function cardError(
  message: string,
  code: string,
  extra: Omit<Partial<StripeErrorBody>, 'type' | 'message' | 'code'> = {},
): StripeApiError {
  return new StripeApiError(402, { type: 'card_error', message, code, doc_url: docUrl(code), ...extra });
}

/** 401: no key or an invalid one. */
export function authenticationError(message: string): StripeApiError {
  return new StripeApiError(401, { type: 'invalid_request_error', message }, { 'WWW-Authenticate': 'Bearer realm="Stripe"' });
}

export function idempotencyError(status: 400 | 409, message: string, code?: string): StripeApiError {
  const body: StripeErrorBody = { type: 'idempotency_error', message };
  if (code) body.code = code;
  return new StripeApiError(status, body);
}
