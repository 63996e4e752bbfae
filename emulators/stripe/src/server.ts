import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import qs from 'qs';
import { DEFAULT_CONFIG, type EmulatorConfig } from './config';
import { controlRoutes } from './control';
import { authenticationError, invalidRequest, StripeApiError } from './errors';
import { API_VERSION } from './events';
import { expand } from './expand';
import { randomToken } from './ids';
import { pageRoutes } from './pages';
import { expandPaths, type Params } from './params';
import { accountRoutes, connectedAccount } from './resources/accounts';
import { balanceRoutes } from './resources/balance';
import { chargeRoutes } from './resources/charges';
import { customerRoutes } from './resources/customers';
import { eventRoutes } from './resources/events';
import { identityRoutes } from './resources/identity';
import { paymentIntentRoutes } from './resources/payment-intents';
import { paymentMethodRoutes } from './resources/payment-methods';
import { payoutRoutes } from './resources/payouts';
import { refundRoutes } from './resources/refunds';
import { setupIntentRoutes } from './resources/setup-intents';
import { transferRoutes } from './resources/transfers';
import { webhookEndpointRoutes } from './resources/webhook-endpoints';
import { match, Raw, type Ctx, type Route } from './router';
import { runDue } from './transitions';
import { Worlds, type World } from './world';

export type { EmulatorConfig } from './config';
export { signPayload } from './webhooks';

const ROUTES: Route[] = [
  ...customerRoutes,
  ...paymentMethodRoutes,
  ...setupIntentRoutes,
  ...paymentIntentRoutes,
  ...chargeRoutes,
  ...refundRoutes,
  ...accountRoutes,
  ...transferRoutes,
  ...balanceRoutes,
  ...payoutRoutes,
  ...identityRoutes,
  ...eventRoutes,
  ...webhookEndpointRoutes,
  ...controlRoutes,
  ...pageRoutes,
];

const KEY = /^(sk|rk|pk)_test_(\S+)$/;
const MAX_BODY = 1024 * 1024;

export interface EmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  config?: Partial<EmulatorConfig>;
}

export interface RunningEmulator {
  url: string;
  port: number;
  host: string;
  worlds: Worlds;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(body, null, 2),
  contentType: 'application/json',
  headers,
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(invalidRequest('Request body too large.', { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(req: IncomingMessage, search: string, body: string): Params {
  const options = { arrayLimit: 1000, depth: 10, parameterLimit: 10_000 };
  const query = qs.parse(search.replace(/^\?/, ''), options) as Params;
  if (!body) return query;
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    try {
      return { ...query, ...(JSON.parse(body) as Params) };
    } catch {
      throw invalidRequest('Invalid JSON body.');
    }
  }
  return { ...query, ...(qs.parse(body, options) as Params) };
}

/** The key of the Authorization header (Bearer, or Basic with the key as user name as curl -u sends it). */
function apiKeyOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^bearer$/i.test(scheme ?? '')) return value.trim();
  if (/^basic$/i.test(scheme ?? '')) return Buffer.from(value, 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

const header = (req: IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class Emulator {
  readonly worlds: Worlds;

  constructor(readonly config: EmulatorConfig) {
    this.worlds = new Worlds(config);
  }

  async handle(req: IncomingMessage): Promise<Answer> {
    const requestId = `req_${randomToken(14)}`;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
    const common = { 'Request-Id': requestId, 'Stripe-Version': header(req, 'stripe-version') ?? API_VERSION };
    try {
      const rawBody = await readBody(req);
      if (method === 'GET' && (url.pathname === '/' || url.pathname === '/healthz')) {
        return json(200, { ok: true, name: 'stripe-emulator', api_version: API_VERSION, worlds: this.worlds.list().length }, common);
      }
      const found = match(ROUTES, method, url.pathname);
      if (!('route' in found)) {
        throw invalidRequest(
          `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
          { status: 404 },
        );
      }
      const params = parseParams(req, url.search, rawBody);
      const { route, path } = found;
      let world: World;
      let keyKind: Ctx['keyKind'] = 'secret';
      if (route.public) {
        const located = this.worlds.locate(Object.values(path)[0] ?? '');
        if (!located) throw invalidRequest(`No such object: '${Object.values(path)[0]}'`, { code: 'resource_missing', status: 404 });
        world = located;
      } else {
        const key = apiKeyOf(req);
        if (key === null) {
          throw authenticationError(
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
          );
        }
        const parsed = KEY.exec(key);
        if (!parsed) throw authenticationError(`Invalid API Key provided: ${key.length > 8 ? `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}` : key}`);
        keyKind = parsed[1] === 'pk' ? 'publishable' : 'secret';
        if (keyKind === 'publishable' && !route.publishable && !url.pathname.startsWith('/_emulator/')) {
          throw authenticationError('This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.');
        }
        world = this.worlds.get(parsed[2]!);
      }
      world.lastUsedMs = Date.now();
      runDue(world);
      const accountHeader = header(req, 'stripe-account');
      if (accountHeader) connectedAccount(world, accountHeader);
      const ctx: Ctx = { world, params, path, account: accountHeader, keyKind, requestId, baseUrl };
      const idempotencyKey = header(req, 'idempotency-key');
      const endpoint = `${method} ${url.pathname}`;
      const idempotent = method === 'POST' && url.pathname.startsWith('/v1/') && idempotencyKey !== null;
      if (idempotent) {
        const begun = world.idempotency.begin(idempotencyKey, { account: accountHeader, endpoint, params }, world.now());
        if (begun.kind === 'replay') {
          return { status: begun.status, body: begun.body as string, contentType: 'application/json', headers: { ...common, 'Idempotency-Key': idempotencyKey, 'Idempotent-Replayed': 'true', 'Original-Request': requestId } };
        }
      }
      const extra: Record<string, string> = idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};
      let answer: Answer;
      try {
        if (url.pathname.startsWith('/v1/') && world.latencyMs > 0) await sleep(world.latencyMs);
        answer = await this.run(ctx, route, idempotencyKey, { ...common, ...extra });
      } catch (error) {
        if (!(error instanceof StripeApiError)) {
          if (idempotent) world.idempotency.abandon(idempotencyKey, accountHeader);
          throw error;
        }
        answer = json(error.status, error.toJSON(), { ...common, ...extra, ...error.headers });
      }
      if (idempotent) world.idempotency.complete(idempotencyKey, accountHeader, answer.status, answer.body);
      if (method === 'POST' && url.pathname.startsWith('/v1/') && world.latencyAfterMs > 0) await sleep(world.latencyAfterMs);
      return answer;
    } catch (error) {
      if (error instanceof StripeApiError) return json(error.status, error.toJSON(), { ...common, ...error.headers });
      console.error(`[stripe-emulator] ${method} ${url.pathname} failed:`, error);
      return json(500, { error: { type: 'api_error', message: `The emulator failed: ${error instanceof Error ? error.message : String(error)}` } }, common);
    }
  }

  private async run(ctx: Ctx, route: Route, idempotencyKey: string | null, headers: Record<string, string>): Promise<Answer> {
    const { world } = ctx;
    world.request = { id: ctx.requestId, idempotencyKey, baseUrl: ctx.baseUrl };
    let result: unknown;
    try {
      result = route.handler(ctx);
    } finally {
      world.request = null;
    }
    if (result instanceof Promise) result = await result;
    if (result instanceof Raw) return { status: result.status, body: result.body, contentType: result.contentType, headers };
    return json(200, expand(world, result, expandPaths(ctx.params)), headers);
  }

  tick(): void {
    this.worlds.evictIdle();
    for (const world of this.worlds.list()) runDue(world);
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status, {
    ...answer.headers,
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body),
    'Access-Control-Allow-Origin': '*',
  });
  res.end(answer.body);
}

/** Starts the emulator on host:port (port 0: a free one) and resolves when it listens. */
export async function startStripeEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const config: EmulatorConfig = { ...DEFAULT_CONFIG, ...options.config };
  const emulator = new Emulator(config);
  const server: Server = createServer((req, res) => {
    const started = Date.now();
    emulator
      .handle(req)
      .then((answer) => {
        send(res, answer);
        if (config.logRequests) console.log(`${req.method} ${req.url} ${answer.status} ${Date.now() - started}ms`);
      })
      .catch((error: unknown) => {
        console.error('[stripe-emulator] unexpected failure:', error);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const timer = config.tickMs > 0 ? setInterval(() => emulator.tick(), config.tickMs) : null;
  timer?.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    host,
    worlds: emulator.worlds,
    close: () =>
      new Promise<void>((resolve) => {
        if (timer) clearInterval(timer);
        emulator.worlds.dispose();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
