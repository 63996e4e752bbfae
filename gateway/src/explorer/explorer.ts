import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { EXPLORER_CSP, renderExplorerPage } from './explorer-page';

export interface ExplorerOptions {
  /** Where GraphQL is answered, e.g. '/graphql'. The page is served there; assets under '<path>/explorer/'. */
  graphqlPath: string;
  /** The page's title. */
  title?: string;
}

export interface Explorer {
  /** A GET (or HEAD) of the GraphQL path, without `?query=`, whose Accept prefers HTML over JSON: a browser. */
  wantsExplorer(req: IncomingMessage): boolean;
  /** Answers the page (at the GraphQL path) or one of its assets; 404 for anything else. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Every asset path, for a router of exact paths (createHttpApp's `routes`); each calls `serve`. */
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>;
}

interface Asset {
  contentType: string;
  load(): Promise<Buffer>;
}

interface LoadedAsset {
  contentType: string;
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

const JS = 'text/javascript; charset=utf-8';

/** Where the prebuilt GraphiQL lives; resolved on first use, so building an explorer touches nothing. */
const yogaGraphiqlDist = () => join(dirname(require.resolve('@graphql-yoga/graphiql/package.json')), 'dist');
const fromYoga = (file: string) => () => readFile(join(yogaGraphiqlDist(), file));

/** The only files the explorer serves, by name under the asset path. */
const ASSETS: Record<string, Asset> = {
  'graphiql.js': { contentType: JS, load: fromYoga('yoga-graphiql.umd.js') },
  'graphiql.css': { contentType: 'text/css; charset=utf-8', load: fromYoga('graphiql.css') },
  'editor.worker.js': { contentType: JS, load: fromYoga('monacoeditorwork/editor.worker.bundle.js') },
  'json.worker.js': { contentType: JS, load: fromYoga('monacoeditorwork/json.worker.bundle.js') },
  // The package's own file name has the double dot.
  'graphql.worker.js': { contentType: JS, load: fromYoga('monacoeditorwork/graphql.worker..bundle.js') },
  'start-explorer.js': { contentType: JS, load: () => readFile(join(__dirname, 'start-explorer.js')) },
};

/** How much a request's Accept header wants `type` (0–1): the q of the most specific range that matches. */
function acceptQuality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = { specificity: -1, q: 0 };
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const specificity = range === type ? 2 : range === `${major}/*` ? 1 : range === '*/*' ? 0 : -1;
    if (specificity <= best.specificity) continue;
    const q = params.find((p) => p.startsWith('q='));
    const quality = q ? Number(q.slice(2)) : 1;
    best = { specificity, q: Number.isFinite(quality) ? quality : 0 };
  }
  return best.q;
}

/** A browser navigating here, not a GraphQL client: HTML is wanted strictly more than any JSON. */
function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const html = acceptQuality(accept, 'text/html');
  const json = Math.max(acceptQuality(accept, 'application/json'), acceptQuality(accept, 'application/graphql-response+json'));
  return html > 0 && html > json;
}

const acceptsGzip = (req: IncomingMessage) => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

const gzipAsync = promisify(gzip);

/** A file as it is served: its ETag and gzipped copy computed once (off the event loop for the 5 MB bundle). */
async function prepare(contentType: string, body: Buffer): Promise<LoadedAsset> {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { contentType, body, gzipped: await gzipAsync(body), etag };
}

/** Answers a loaded file: 304 when the browser's copy is current, gzip when accepted. */
function send(req: IncomingMessage, res: ServerResponse, asset: LoadedAsset, headers: Record<string, string> = {}): void {
  const common = { etag: asset.etag, 'cache-control': 'no-cache', vary: 'Accept-Encoding', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  const compressed = acceptsGzip(req);
  const body = compressed ? asset.gzipped : asset.body;
  res.writeHead(200, {
    ...common,
    'content-type': asset.contentType,
    'content-length': body.length,
    ...(compressed ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendStatus(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(message), ...headers });
  res.end(message);
}

/**
 * A GraphiQL explorer for development: a browser opening the GraphQL URL gets the page, which
 * posts its operations back to that URL. Everything it loads is served from installed packages
 * (`@graphql-yoga/graphiql`'s prebuilt bundle of GraphiQL, React and Monaco), so it works offline.
 * Building one reads nothing and starts nothing; files are read on their first request.
 */
export function createExplorer(options: ExplorerOptions): Explorer {
  const { graphqlPath } = options;
  const assetBase = `${graphqlPath.replace(/\/$/, '')}/explorer/`;
  const page = renderExplorerPage({ graphqlPath, assetBase, title: options.title ?? 'InstaInstru GraphQL explorer' });
  const pageAsset: Asset = { contentType: 'text/html; charset=utf-8', load: async () => Buffer.from(page) };
  /** Each file, prepared once on its first request; a failed load is tried again next time. */
  const loaded = new Map<Asset, Promise<LoadedAsset>>();
  const loadAsset = (asset: Asset) => {
    let pending = loaded.get(asset);
    if (!pending) {
      pending = asset.load().then((body) => prepare(asset.contentType, body));
      pending.catch(() => loaded.delete(asset));
      loaded.set(asset, pending);
    }
    return pending;
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://explorer').pathname;
    const name = path.startsWith(assetBase) ? path.slice(assetBase.length) : '';
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (path !== graphqlPath && !asset) return sendStatus(res, 404, 'Not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendStatus(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    if (asset) return send(req, res, await loadAsset(asset));
    send(req, res, await loadAsset(pageAsset), { 'content-security-policy': EXPLORER_CSP, 'referrer-policy': 'no-referrer' });
  }

  return {
    wantsExplorer(req) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const url = new URL(req.url ?? '/', 'http://explorer');
      return url.pathname === graphqlPath && !url.searchParams.has('query') && prefersHtml(req.headers.accept);
    },
    serve,
    routes: Object.fromEntries(Object.keys(ASSETS).map((name) => [`${assetBase}${name}`, serve])),
  };
}
