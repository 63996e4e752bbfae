import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from 'pino';

/**
 * The GraphQL error codes callers can rely on (documented in docs/errors.md).
 * Each service maps its own error code enum onto these in exactly one place.
 */
export enum ApiErrorCode {
  BadUserInput = 'BAD_USER_INPUT',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  PaymentRequired = 'PAYMENT_REQUIRED',
  RateLimited = 'RATE_LIMITED',
  QueryTooComplex = 'QUERY_TOO_COMPLEX',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_SERVER_ERROR',
}

/**
 * Base of every service's own error type. A service subclasses it with its code enum and
 * implements `apiCode` with an exhaustive switch; nothing else maps errors to GraphQL.
 */
export abstract class ServiceError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  abstract get apiCode(): ApiErrorCode;
}

/** GraphQL's own request errors (syntax, validation, variable coercion) keep their codes. */
const PASSTHROUGH_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

const API_CODES = new Set<string>(Object.values(ApiErrorCode));

/** Network failures of a client (Postgres, Redis, Kafka, an HTTP provider) that a retry may cure. */
const NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN', 'ENETUNREACH']);

/**
 * Whether an error says a dependency is down or unreachable rather than that the code is wrong:
 * a refused or broken connection, Postgres shutting down or refusing connections (SQLSTATE classes
 * 08 and 57P), a pool that could not hand out a connection in time, a closed Redis connection.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  // Errors are read by their shape: Node's own errors may come from another realm (instanceof fails).
  let current = error as { code?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; current = current.cause as typeof current, depth += 1) {
    const code = current.code;
    if (typeof code === 'string' && (NETWORK_ERRORS.has(code) || /^08...$/.test(code) || /^57P0\d$/.test(code))) return true;
    const message = typeof current.message === 'string' ? current.message : '';
    if (/timeout exceeded when trying to connect|Connection terminated|Connection is closed|Client has encountered a connection error/i.test(message)) return true;
  }
  return false;
}

/**
 * Apollo `formatError` for every subgraph: service errors become their stable code, message and
 * details; GraphQL request errors pass through; anything else is logged and answered as an
 * opaque INTERNAL_SERVER_ERROR, so no stack trace, SQL or secret ever leaves the service.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, ...(formatted.path ? { path: formatted.path } : {}) };
    if (original instanceof ServiceError) {
      return {
        ...base,
        message: original.message,
        extensions: {
          code: original.apiCode,
          reason: original.code,
          ...(original.details ? { details: original.details } : {}),
        },
      };
    }
    if (original instanceof GraphQLError) {
      const code = original.extensions?.code ?? formatted.extensions?.code;
      if (typeof code === 'string' && (PASSTHROUGH_CODES.has(code) || API_CODES.has(code))) {
        const { reason, cost } = original.extensions ?? {};
        return { ...base, extensions: { code, ...(typeof reason === 'string' ? { reason } : {}), ...(cost ? { cost } : {}) } };
      }
    }
    // Apollo wraps what it does not recognise as an Error (one from another realm) as NonErrorThrown.
    const thrown = original && typeof original === 'object' && 'thrownValue' in original ? (original as { thrownValue: unknown }).thrownValue : original;
    if (isDependencyUnavailable(thrown)) {
      logger.warn({ err: thrown }, 'a dependency is unavailable');
      return { ...base, message: 'A service this request needs is unavailable; retry shortly', extensions: { code: ApiErrorCode.ServiceUnavailable, reason: 'DEPENDENCY_UNAVAILABLE' } };
    }
    logger.error({ err: original }, 'unexpected error while resolving a request');
    return { ...base, message: 'Internal server error', extensions: { code: ApiErrorCode.Internal } };
  };
}
