import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { injectContext, signCaller, type Caller } from '@instainstru/platform';

export interface GatewayContext {
  caller: Caller;
}

const ANONYMOUS: Caller = { userId: null, roles: [], requestId: '' };

export class SubgraphCallError extends Error {
  constructor(
    readonly subgraphUrl: string,
    message: string,
  ) {
    super(message);
    this.name = 'SubgraphCallError';
  }
}

/**
 * Calls one subgraph over a pooled keep-alive connection, with the caller in a signed,
 * timestamped header (and the trace context), so the subgraph trusts who is calling without
 * re-verifying the user's token. It speaks plain node:http rather than fetch: the WHATWG
 * Request/Headers/stream layers were a fifth of the gateway's CPU per request.
 */
export class SignedSubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpRequest;

  constructor(
    url: string,
    private readonly signingSecret: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.url = new URL(url);
    const https = this.url.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true, maxSockets: 128 }) : new HttpAgent({ keepAlive: true, maxSockets: 128 });
    this.send = https ? httpsRequest : httpRequest;
  }

  async process({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const caller = 'caller' in context && context.caller ? context.caller : ANONYMOUS;
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      ...signCaller(caller, this.signingSecret),
      ...injectContext(),
    };
    if (caller.requestId) headers['x-request-id'] = caller.requestId;
    const { status, text } = await this.post(headers, body);
    let response: GatewayGraphQLResponse;
    try {
      response = JSON.parse(text) as GatewayGraphQLResponse;
    } catch {
      throw new SubgraphCallError(this.url.href, `Subgraph answered ${status} with a body that is not JSON`);
    }
    // A refused signature is the platform's misconfiguration, not the end user's: never echo it as theirs.
    if (status === 401 || status === 403) throw new SubgraphCallError(this.url.href, `Subgraph refused the gateway's call (${status})`);
    if (status >= 400 && !response.errors) throw new SubgraphCallError(this.url.href, `Subgraph answered ${status}`);
    return response;
  }

  private post(headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.send(this.url, { method: 'POST', headers, agent: this.agent, timeout: this.timeoutMs }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new SubgraphCallError(this.url.href, `Subgraph did not answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
