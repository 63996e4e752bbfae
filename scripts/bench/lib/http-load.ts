import autocannon from 'autocannon';
import { percentileSorted, Samples } from './stats';

export interface HttpLoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Concurrent keep-alive connections (one request in flight on each). */
  connections: number;
  durationSeconds: number;
  /** When set, every response body must equal it exactly (else it counts as a mismatch). */
  expectBody?: string;
  /** When set, every response body must pass it (for answers that differ per response, e.g. a rate-limit bucket's state). */
  verifyBody?: (body: string) => boolean;
  /** Per-request timeout in seconds (autocannon default 10). */
  timeoutSeconds?: number;
}

export interface HttpLoadResult {
  /** Responses with a 2xx status per second of measured time. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  durationSeconds: number;
  /** Latency of 2xx responses in milliseconds (exact, from per-response timings). */
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  max: number;
}

/** Whether the run saw anything but exact, successful responses. */
export function loadFailures(result: HttpLoadResult): string | undefined {
  const problems = [
    result.ok === 0 ? 'no successful responses' : '',
    result.non2xx ? `${result.non2xx} non-2xx` : '',
    result.errors ? `${result.errors} connection errors` : '',
    result.timeouts ? `${result.timeouts} timeouts` : '',
    result.mismatches ? `${result.mismatches} unexpected bodies` : '',
  ].filter(Boolean);
  return problems.length ? problems.join(', ') : undefined;
}

/**
 * Closed-loop HTTP load with autocannon (raw sockets, keep-alive, no pipelining). Latencies are
 * taken from autocannon's per-response timings (sub-millisecond), not its 1 ms-bucket histogram.
 */
export async function runHttpLoad(options: HttpLoadOptions): Promise<HttpLoadResult> {
  const latencies = new Samples();
  let ok = 0;
  let sum = 0;
  let max = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'POST',
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.expectBody !== undefined ? { expectBody: options.expectBody } : {}),
        ...(options.verifyBody !== undefined ? { verifyBody: (body: string | Buffer | undefined) => options.verifyBody!(String(body ?? '')) } : {}),
        connections: options.connections,
        pipelining: 1,
        duration: options.durationSeconds,
        timeout: options.timeoutSeconds ?? 10,
      },
      (error: unknown, done: autocannon.Result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode < 200 || statusCode >= 300) return;
      ok += 1;
      sum += responseTime;
      if (responseTime > max) max = responseTime;
      latencies.push(responseTime);
    });
  });
  const sorted = latencies.sorted();
  return {
    rps: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    durationSeconds: result.duration,
    p50: percentileSorted(sorted, 50),
    p90: percentileSorted(sorted, 90),
    p99: percentileSorted(sorted, 99),
    mean: ok ? sum / ok : Number.NaN,
    max,
  };
}

export interface CapturedResponse {
  status: number;
  contentType: string;
  body: string;
}

/** One request, returning the exact response text (to build expectations and static twins). */
export async function captureResponse(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }): Promise<CapturedResponse> {
  const res = await fetch(url, { method: init.method ?? 'POST', headers: init.headers ?? {}, ...(init.body !== undefined ? { body: init.body } : {}) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.text() };
}
