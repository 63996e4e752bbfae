import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { callerKeyFor, HttpClient, HttpTimeoutError, injectContext, signCaller, type Caller, type CallerKey, type HttpAnswer } from '@instainstru/platform';

export interface GatewayContext {
  caller: Caller;
}

/** How long a subgraph may take to answer one fetch, unless configured. */
export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;

const ANONYMOUS: Caller = { userId: null, roles: [], requestId: '' };

export class SubgraphCallError extends Error {
  constructor(
    readonly subgraph: string,
    message: string,
    /** The subgraph is down or too slow (a retry may succeed), rather than misconfigured. */
    readonly unavailable = false,
  ) {
    super(message);
    this.name = 'SubgraphCallError';
  }
}

/**
 * Who a subgraph answer is for: everything of the caller that a subgraph may answer differently
 * for (not the request id). Only calls with the same key may share one answer.
 */
function callerKey(caller: Caller): string {
  return JSON.stringify([caller.userId, caller.roles, caller.partnerId ?? null, caller.scopes ?? null]);
}

/** A subgraph operation that changes something: never shared with another request, never sent twice. */
const MUTATION = /^\s*(mutation|subscription)\b/;

/**
 * Calls one subgraph through the platform's HttpClient (pooled keep-alive connections), with the
 * caller in a header signed for this subgraph, this path and this exact body, good for 30 s (and
 * the trace context), so the subgraph trusts who is calling without re-verifying the user's token,
 * and a captured header is worthless anywhere else. A query that failed on a stale kept-alive
 * connection is sent again; a mutation is not (it may have reached the subgraph).
 */
export class SignedSubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly http: HttpClient;
  /** The request target the subgraph will see (path and query), which the signature covers. */
  private readonly target: string;
  /** This subgraph's key, derived once from the master secret. */
  private readonly key: CallerKey;

  /** `subgraph` is the subgraph's name in the supergraph, which is its service name. */
  private readonly inFlight = new Map<string, Promise<HttpAnswer>>();

  constructor(
    private readonly subgraph: string,
    url: string,
    signingSecret: string,
    timeoutMs = 10_000,
    /** Whether identical queries in flight for the same caller share one call. */
    private readonly shareInFlight = true,
  ) {
    this.http = new HttpClient({ url, timeoutMs, maxSockets: 128 });
    this.target = this.http.url.pathname + this.http.url.search;
    this.key = callerKeyFor(signingSecret, subgraph);
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const caller = 'caller' in context && context.caller ? context.caller : ANONYMOUS;
    const json = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    // Identical queries in flight at the same moment for the same caller are sent once; each
    // request parses the answer for itself. Mutations are always sent.
    const mutation = !request.query || MUTATION.test(request.query);
    if (!this.shareInFlight || mutation) return this.answerOf(await this.call(caller, json, !mutation));
    const key = `${callerKey(caller)}\u0000${json}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.call(caller, json, true).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return this.answerOf(await pending);
  }

  /** One signed POST of the operation; `idempotent` (a query) lets a stale kept-alive connection be retried. */
  private call(caller: Caller, json: string, idempotent: boolean): Promise<HttpAnswer> {
    const body = Buffer.from(json);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(body.length),
      ...signCaller(caller, this.key, { method: 'POST', path: this.target, body }),
      ...injectContext(),
    };
    if (caller.requestId) headers['x-request-id'] = caller.requestId;
    return this.http.post(this.target, headers, body, { idempotent }).catch((error: unknown) => {
      if (error instanceof HttpTimeoutError) throw new SubgraphCallError(this.subgraph, `Subgraph did not answer within ${error.timeoutMs} ms`, true);
      throw new SubgraphCallError(this.subgraph, `The ${this.subgraph} service could not be reached: ${(error as Error).message}`, true);
    });
  }

  private answerOf({ status, text }: HttpAnswer): GatewayGraphQLResponse {
    let response: GatewayGraphQLResponse;
    try {
      response = JSON.parse(text) as GatewayGraphQLResponse;
    } catch {
      throw new SubgraphCallError(this.subgraph, `Subgraph answered ${status} with a body that is not JSON`, status >= 500);
    }
    // A refused signature is the platform's misconfiguration, not the end user's: never echo it as theirs.
    if (status === 401 || status === 403) throw new SubgraphCallError(this.subgraph, `Subgraph refused the gateway's call (${status})`);
    if (status >= 400 && !response.errors) throw new SubgraphCallError(this.subgraph, `Subgraph answered ${status}`, status >= 500);
    return response;
  }
}
