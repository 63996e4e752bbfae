import { Agent as HttpAgent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

/**
 * The one HTTP client of the platform: POSTs over pooled keep-alive connections (http or https),
 * answering the status and the whole body as text. The gateway's subgraph calls and the services'
 * internal calls both go through it; what a body means, and which failures are whose, is theirs.
 *
 * It speaks plain node:http rather than fetch: the WHATWG Request/Headers/stream layers were a
 * fifth of the gateway's CPU per request.
 */

export interface HttpClientOptions {
  /** Where requests go: an origin, with the path of a single endpoint when it has one. */
  url: string | URL;
  /** How long a request may go without any activity on its connection before it fails with HttpTimeoutError. */
  timeoutMs: number;
  /** Pooled connections at most (default 64). */
  maxSockets?: number;
}

export interface HttpAnswer {
  status: number;
  text: string;
}

export interface HttpPostOptions {
  /**
   * Whether the request has the same effect however often it arrives, so it may be sent again
   * when it failed on a kept-alive connection before any answer came (see HttpClient.post).
   */
  idempotent: boolean;
}

/** A request whose connection went `timeoutMs` without activity: the callee may or may not have acted on it. */
export class HttpTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'HttpTimeoutError';
  }
}

/** Attempts of one idempotent request on stale kept-alive connections before its failure is final. */
const MAX_ATTEMPTS = 3;

export class HttpClient {
  readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly request: typeof httpRequest;

  constructor(private readonly options: HttpClientOptions) {
    this.url = new URL(options.url);
    const https = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64 };
    this.agent = https ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
    this.request = https ? httpsRequest : httpRequest;
  }

  /**
   * POSTs `body` to `target` (path and query, e.g. `/graphql`). An idempotent request is sent again
   * (at most twice more) when it failed on a kept-alive connection before any answer came: the
   * callee may close an idle connection just as a request goes out on it, and that request never
   * reached it. A failure on a fresh connection, a timeout, or any failure of a request that is
   * not idempotent is final: it rejects with the connection's error or an HttpTimeoutError.
   */
  async post(target: string, headers: OutgoingHttpHeaders, body: Buffer, options: HttpPostOptions): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(target, headers, body);
      } catch (error) {
        if (!(error instanceof StaleConnectionError)) throw error;
        if (!options.idempotent || attempt === MAX_ATTEMPTS) throw error.cause;
      }
    }
  }

  /** Closes the pooled connections; requests in flight fail. */
  close(): void {
    this.agent.destroy();
  }

  private attempt(target: string, headers: OutgoingHttpHeaders, body: Buffer): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      let answered = false;
      let timedOut = false;
      const req = this.request(
        { ...urlToHttpOptions(this.url), path: target, method: 'POST', headers, agent: this.agent, timeout: this.options.timeoutMs },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => {
        timedOut = true;
        req.destroy(new HttpTimeoutError(this.options.timeoutMs));
      });
      req.on('error', (error) => reject(req.reusedSocket && !answered && !timedOut ? new StaleConnectionError(error) : error));
      req.end(body);
    });
  }
}

/** A request that failed on a reused keep-alive connection before any answer (see HttpClient.post). */
class StaleConnectionError extends Error {
  declare readonly cause: Error;

  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = 'StaleConnectionError';
  }
}
