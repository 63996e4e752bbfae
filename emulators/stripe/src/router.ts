import type { Params } from './params';
import type { World } from './world';

/** What a handler gets: its world, the parameters, path parameters and the request's headers that matter. */
export interface Ctx {
  world: World;
  params: Params;
  path: Record<string, string>;
  /** The Stripe-Account header (a connected account of the world), or null for the platform. */
  account: string | null;
  keyKind: 'secret' | 'publishable';
  requestId: string;
  baseUrl: string;
}

/** A handler's answer other than a 200 JSON body. */
export class Raw {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'application/json',
  ) {}
}

export type Handler = (ctx: Ctx) => unknown;

export interface RouteOptions {
  /** Allowed with a publishable key (client-side calls with a client_secret). */
  publishable?: boolean;
  /** Needs no key at all (hosted pages a browser opens). */
  public?: boolean;
}

export interface Route extends RouteOptions {
  method: string;
  pattern: string;
  regex: RegExp;
  keys: string[];
  handler: Handler;
}

export function route(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): Route {
  const keys: string[] = [];
  const source = pattern.replace(/:([a-z_]+)/g, (_match, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { method, pattern, regex: new RegExp(`^${source}/?$`), keys, handler, ...options };
}

/** The route for a method and path, and its path parameters; `methodMismatch` when only the method differs. */
export function match(routes: Route[], method: string, pathname: string): { route: Route; path: Record<string, string> } | { methodMismatch: boolean } {
  let methodMismatch = false;
  for (const candidate of routes) {
    const found = candidate.regex.exec(pathname);
    if (!found) continue;
    if (candidate.method !== method) {
      methodMismatch = true;
      continue;
    }
    const path: Record<string, string> = {};
    candidate.keys.forEach((key, i) => (path[key] = decodeURIComponent(found[i + 1]!)));
    return { route: candidate, path };
  }
  return { methodMismatch };
}
