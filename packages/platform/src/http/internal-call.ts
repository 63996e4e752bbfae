import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiErrorCode, ServiceError } from '../api/errors';
import { currentRequestId } from '../runtime/request-context';
import type { ServiceName } from '../runtime/service-names';
import type { HttpRouteHandler } from './app';
import { readRawBody, sendJson } from './bodies';
import { callerKeyFor, signCaller, verifyCaller, type Caller, type CallerKey } from './caller';
import { HttpClient, HttpTimeoutError } from './client';

/**
 * Service-to-service calls: JSON over HTTP on a service's own paths (never exposed by the
 * gateway), signed with the same caller scheme the gateway uses: the signature covers the callee,
 * the path and the exact body, so a captured call cannot be replayed against another route or
 * service or with another body. The caller names the calling service; a route lists which
 * services may call it.
 *
 * Errors travel as `{ error: { code, reason, message, details } }` with the status of their
 * API code, so the calling service can rethrow them with the same stable code and reason.
 */

const STATUS_OF: Record<string, number> = {
  [ApiErrorCode.BadUserInput]: 400,
  [ApiErrorCode.Unauthenticated]: 401,
  [ApiErrorCode.Forbidden]: 403,
  [ApiErrorCode.NotFound]: 404,
  [ApiErrorCode.Conflict]: 409,
  [ApiErrorCode.PaymentRequired]: 402,
  [ApiErrorCode.RateLimited]: 429,
  [ApiErrorCode.ServiceUnavailable]: 503,
};

export interface InternalError {
  code: ApiErrorCode;
  reason: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error answered by another service, rethrown with its code, reason and details unchanged. */
export class RemoteServiceError extends ServiceError<string> {
  constructor(
    readonly service: ServiceName,
    readonly error: InternalError,
  ) {
    super(error.reason, error.message, error.details);
  }

  get apiCode(): ApiErrorCode {
    return this.error.code;
  }
}

export interface InternalRouteOptions<In> {
  /** The service serving the route: a caller's signature must be made for it. */
  service: ServiceName;
  signingSecret: string;
  callerMaxAgeMs: number;
  /** The services allowed to call this route. */
  allow: readonly ServiceName[];
  /** Validates the JSON body (e.g. a zod schema's `parse`); a throw answers 400 BAD_USER_INPUT. */
  parse(body: unknown): In;
  handle(input: In, caller: Caller): Promise<unknown>;
  /** Called for errors that are not ServiceErrors before answering 500. */
  onUnexpected(error: unknown): void;
}

function sendError(res: ServerResponse, status: number, error: InternalError): void {
  sendJson(res, status, { error });
}

/**
 * A POST route for other services: the body is read (the signature covers it), then signature,
 * allow-list and body are checked before the handler runs.
 */
export function internalRoute<In>(options: InternalRouteOptions<In>): HttpRouteHandler {
  const key = callerKeyFor(options.signingSecret, options.service);
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendError(res, 405, { code: ApiErrorCode.BadUserInput, reason: 'METHOD_NOT_ALLOWED', message: 'Use POST' });
    }
    const raw = await readRawBody(req);
    if (raw === null) return sendError(res, 413, { code: ApiErrorCode.BadUserInput, reason: 'BODY_TOO_LARGE', message: 'Request body too large' });
    const headers = { get: (name: string) => (req.headers[name] as string | undefined) ?? null };
    const verified = verifyCaller(headers, key, { method: 'POST', path: req.url ?? '/', body: raw }, options.callerMaxAgeMs);
    if (!verified.ok) {
      return sendError(res, 401, { code: ApiErrorCode.Unauthenticated, reason: 'BAD_CALLER_SIGNATURE', message: `Caller signature ${verified.reason}` });
    }
    const service = verified.caller.service;
    if (!service || !options.allow.includes(service)) {
      return sendError(res, 403, { code: ApiErrorCode.Forbidden, reason: 'SERVICE_NOT_ALLOWED', message: 'This route is for other services only' });
    }
    let input: In;
    try {
      input = options.parse(raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : {});
    } catch (error) {
      const message = error instanceof Error ? error.message.slice(0, 500) : 'Invalid request body';
      return sendError(res, 400, { code: ApiErrorCode.BadUserInput, reason: 'INVALID_REQUEST', message });
    }
    try {
      sendJson(res, 200, { data: await options.handle(input, verified.caller) });
    } catch (error) {
      if (error instanceof ServiceError) {
        const code = error.apiCode;
        return sendError(res, STATUS_OF[code] ?? 500, {
          code,
          reason: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        });
      }
      options.onUnexpected(error);
      sendError(res, 500, { code: ApiErrorCode.Internal, reason: 'INTERNAL', message: 'Internal server error' });
    }
  };
}

export interface InternalClientOptions {
  /** The calling service, as the callee will see it. */
  from: ServiceName;
  /** The callee: calls are signed for it alone, with its key. */
  to: ServiceName;
  baseUrl: string;
  /** The master secret (SUBGRAPH_SIGNING_SECRET), or the callee's own key. */
  signingSecret: string;
  /** How long each call's signature is good for (default CALLER_SIGNATURE_TTL_MS). */
  signatureTtlMs?: number;
  timeoutMs?: number;
  maxSockets?: number;
}

/**
 * Calls another service's internal routes through the platform's HttpClient. Routes are
 * idempotent, so a call that failed on a stale kept-alive connection is sent again.
 */
export class InternalClient {
  private readonly http: HttpClient;
  private readonly key: CallerKey;

  constructor(private readonly options: InternalClientOptions) {
    this.key = callerKeyFor(options.signingSecret, options.to);
    this.http = new HttpClient({ url: options.baseUrl, timeoutMs: options.timeoutMs ?? 5000, maxSockets: options.maxSockets ?? 64 });
  }

  /**
   * POSTs `body` to `path` and returns the answer's `data`. A service error comes back as a
   * RemoteServiceError with the callee's code and reason; a network failure or timeout as
   * SERVICE_UNAVAILABLE (the caller cannot know whether the call took effect, so routes must be
   * idempotent).
   */
  async post<Out>(path: string, body: unknown, caller?: Partial<Caller>): Promise<Out> {
    const target = new URL(path, this.http.url).pathname;
    const payload = Buffer.from(JSON.stringify(body));
    const signed = signCaller(
      { userId: caller?.userId ?? null, roles: caller?.roles ?? [], requestId: caller?.requestId ?? currentRequestId() ?? randomUUID(), service: this.options.from },
      this.key,
      { method: 'POST', path: target, body: payload },
      Date.now(),
      this.options.signatureTtlMs,
    );
    const headers = { 'content-type': 'application/json', 'content-length': payload.length, ...signed };
    const { status, text } = await this.http.post(target, headers, payload, { idempotent: true }).catch((error: unknown) => {
      const why = error instanceof HttpTimeoutError ? `call to ${this.options.to} timed out` : error instanceof Error ? error.message : String(error);
      throw new RemoteServiceError(this.options.to, {
        code: ApiErrorCode.ServiceUnavailable,
        reason: 'SERVICE_UNREACHABLE',
        message: `The ${this.options.to} service could not be reached: ${why}`,
      });
    });
    let parsed: { data?: Out; error?: InternalError };
    try {
      parsed = JSON.parse(text) as { data?: Out; error?: InternalError };
    } catch {
      parsed = {};
    }
    if (status === 200 && parsed.data !== undefined) return parsed.data;
    if (parsed.error && status !== 500) throw new RemoteServiceError(this.options.to, parsed.error);
    throw new RemoteServiceError(this.options.to, {
      code: ApiErrorCode.ServiceUnavailable,
      reason: 'SERVICE_FAILED',
      message: `The ${this.options.to} service failed (HTTP ${status})`,
    });
  }

  close(): void {
    this.http.close();
  }
}
