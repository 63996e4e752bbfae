import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { PlatformMetrics } from '../runtime/metrics';
import { extractContext, inSpan, SpanKind } from '../runtime/tracing';
import { sendGraphQLError, sendJson } from './bodies';

export type ReadinessChecks = Record<string, () => Promise<void>>;

/** Serves one extra path (any method); the request id is already on the response. */
export type HttpRouteHandler = (req: IncomingMessage, res: ServerResponse, requestId: string) => Promise<void>;

export interface HttpAppOptions {
  name: string;
  logger: Logger;
  metrics: PlatformMetrics;
  readiness: ReadinessChecks;
  /** Serves POST/GET /graphql; the request id is already on the response. */
  graphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void>;
  /** Called once every in-flight request has been answered during drain. */
  afterDrain?(): Promise<void>;
  /**
   * Extra exact paths served next to the platform's own (which always take precedence), e.g. a
   * webhook that needs the raw body. Same request ids, spans, metrics and draining as /graphql.
   */
  routes?: Record<string, HttpRouteHandler>;
}

/** The HTTP surface shared by the gateway and every subgraph, built but not listening. */
export interface HttpApp {
  handle(req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host?: string): Promise<Server>;
  /** Stops accepting requests and resolves when the ones in flight have been answered. */
  drain(): Promise<void>;
}

/**
 * `/healthz` (alive), `/readyz` (every dependency answers and not draining), `/metrics`
 * (Prometheus), `/graphql` and any extra `routes`, with request ids, server spans, request metrics and draining.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const { logger, metrics } = options;
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | undefined;
  const servers = new Set<Server>();

  async function readiness(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      Object.entries(options.readiness).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          logger.warn({ err: error, dependency: name }, 'readiness check failed');
          return [name, 'unavailable'] as const;
        }
      }),
    );
    const ready = !draining && results.every(([, state]) => state === 'ok');
    sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', draining, checks: Object.fromEntries(results) });
  }

  function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    return requestId;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    switch (path) {
      case '/healthz':
        sendJson(res, 200, { status: 'ok' });
        return path;
      case '/readyz':
        await readiness(res);
        return path;
      case '/metrics':
        sendJson(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
        return path;
      case '/':
      case '/graphql': {
        if (draining) {
          res.setHeader('connection', 'close');
          sendGraphQLError(res, 503, 'SERVICE_UNAVAILABLE', 'Service is shutting down');
          return '/graphql';
        }
        const requestId = requestIdOf(req, res);
        await inSpan(`${options.name} ${req.method ?? 'POST'} /graphql`, { kind: SpanKind.SERVER, parent: extractContext(req.headers) }, () =>
          options.graphql(req, res, requestId),
        );
        return '/graphql';
      }
      default: {
        const extra = options.routes && Object.hasOwn(options.routes, path) ? options.routes[path] : undefined;
        if (!extra) {
          sendJson(res, 404, { error: 'not found' });
          return 'other';
        }
        if (draining) {
          res.setHeader('connection', 'close');
          sendJson(res, 503, { error: 'shutting down' });
          return path;
        }
        const requestId = requestIdOf(req, res);
        await inSpan(`${options.name} ${req.method ?? 'POST'} ${path}`, { kind: SpanKind.SERVER, parent: extractContext(req.headers) }, () =>
          extra(req, res, requestId),
        );
        return path;
      }
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    inFlight += 1;
    const stop = metrics.httpDuration.startTimer();
    route(req, res)
      .then((routeName) => {
        stop({ route: routeName });
        metrics.httpRequests.inc({ route: routeName, status: String(res.statusCode) });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'request failed');
        if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
        else res.end();
      })
      .finally(() => {
        inFlight -= 1;
        if (draining && inFlight === 0) drained?.();
      });
  }

  return {
    handle,
    listen(port, host = '0.0.0.0') {
      const server = createServer({ keepAliveTimeout: 65_000 }, handle);
      servers.add(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server));
      });
    },
    async drain() {
      draining = true;
      for (const server of servers) {
        server.close();
        server.closeIdleConnections();
      }
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      for (const server of servers) server.closeAllConnections();
      await options.afterDrain?.();
    },
  };
}
