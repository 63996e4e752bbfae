import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';

/**
 * The explorer as frontend developers meet it: headless Chromium opens the real gateway's GraphQL
 * URL (development mode), with nothing reachable but this machine, and runs a query through
 * GraphiQL's own buttons.
 */

const CHROMIUM = '/usr/bin/chromium';
const INSTALL_CHROMIUM = join(__dirname, '../../scripts/infra/chromium.sh');
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Anything not on loopback goes to a proxy where nothing listens: no byte leaves the machine,
  // whatever the page or a worker asks for (loopback always bypasses a proxy).
  '--proxy-server=http://127.0.0.1:9',
];

let stack: TestStack;
let explorerUrl: string;
let browser: Browser;

beforeAll(async () => {
  await promisify(execFile)('bash', [INSTALL_CHROMIUM]);
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  explorerUrl = stack.gatewayUrl;

  // Playwright starts Chromium on a fresh temporary profile (--user-data-dir) and deletes it on close.
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
};

interface Tab {
  page: Page;
  /** Console errors and uncaught exceptions of the page and its workers. */
  consoleErrors: string[];
  /** Answers of 400 and above, with the operation and what the server said. */
  failedAnswers: string[];
  /** Requests that would have left the machine (refused). */
  offsite: string[];
  /** Every URL the page and its workers asked for. */
  requests: string[];
}

/** A tab in a context of its own (no storage shared between tests), refusing any request that leaves the machine. */
async function openTab(): Promise<Tab> {
  const tab: Tab = { page: await (await browser.newContext()).newPage(), consoleErrors: [], failedAnswers: [], offsite: [], requests: [] };
  const { page } = tab;
  await page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    tab.offsite.push(url);
    return route.abort('blockedbyclient');
  });
  page.context().on('request', (request) => tab.requests.push(request.url()));
  page.context().on('response', async (response) => {
    if (response.status() < 400) return;
    const operation = response.request().postData()?.match(/"query":"(query|mutation)?\s*(\w*)/)?.[2] ?? '';
    const said = await response.text().catch(() => '');
    tab.failedAnswers.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname} ${operation}: ${said.slice(0, 300)}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') tab.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => tab.consoleErrors.push(error.message));
  return tab;
}

/** What every test ends with: nothing left the machine, nothing failed, the console stayed clean. */
function expectCleanSession(tab: Tab): void {
  expect(tab.offsite).toEqual([]);
  expect(tab.requests.filter((url) => !isLoopback(url))).toEqual([]);
  expect(tab.failedAnswers).toEqual([]);
  expect(tab.consoleErrors).toEqual([]);
}

async function closeTab(tab: Tab): Promise<void> {
  await tab.page.context().close();
}

/** Replaces the text of a Monaco editor as a user would: click, select all, type. */
async function replaceEditorText(page: Page, editor: string, text: string): Promise<void> {
  await page.locator(`${editor} .monaco-editor`).filter({ visible: true }).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
  // Monaco closed the brackets we typed: drop what it added after the cursor.
  await page.keyboard.press('Shift+Control+End');
  await page.keyboard.press('Delete');
}

/** Clicks GraphiQL's run button and returns the POST of the editor's operation (not the schema's introspection). */
async function runFromToolbar(page: Page): Promise<Request> {
  const [post] = await Promise.all([
    page.waitForRequest(
      (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/graphql' && !request.postData()?.includes('__schema'),
    ),
    page.locator('.graphiql-execute-button').click(),
  ]);
  return post;
}

/** Opens the explorer and waits until GraphiQL's query editor is on screen. */
async function openExplorer(page: Page): Promise<void> {
  const opened = await page.goto(explorerUrl);
  expect(opened?.status()).toBe(200);
  expect(opened?.headers()['content-type']).toBe('text/html; charset=utf-8');
  await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ state: 'visible', timeout: 30_000 });
}

describe('successful use of the explorer in a browser', () => {
  it('a browser opening /graphql gets GraphiQL from the gateway alone and runs a query with its run button', async () => {
    const tab = await openTab();
    const { page } = tab;
    try {
      await openExplorer(page);
      await replaceEditorText(page, '.graphiql-query-editor', '{ categories { slug } }');
      const post = await runFromToolbar(page);
      const answer = await post.response();

      expect(post.headers()['content-type']).toBe('application/json');
      expect(JSON.parse(post.postData() ?? '{}')).toMatchObject({ query: expect.stringContaining('categories') });
      expect(answer?.status()).toBe(200);
      const body = (await answer!.json()) as { data: { categories: { slug: string }[] } };
      expect(body.data.categories.map((c) => c.slug)).toContain('music');
      await page.locator('.graphiql-response', { hasText: '"music"' }).waitFor({ timeout: 15_000 });
      expectCleanSession(tab);
    } finally {
      await closeTab(tab);
    }
  });

  it("shows the gateway's schema in the docs (introspection passes the gateway's limits)", async () => {
    const tab = await openTab();
    const { page } = tab;
    try {
      const [schema] = await Promise.all([page.waitForResponse((response) => !!response.request().postData()?.includes('__schema')), openExplorer(page)]);
      // GraphiQL asks for the schema (the standard introspection query) as it starts.
      expect(schema.ok() ? null : await schema.text()).toBeNull();
      await page.locator('button[aria-label="Show Documentation Explorer"]').click();
      await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
      await page.locator('.graphiql-doc-explorer').getByText('categories', { exact: true }).waitFor({ timeout: 15_000 });
      expectCleanSession(tab);
    } finally {
      await closeTab(tab);
    }
  });

  it('sends a bearer token pasted into the headers editor with the query, and the gateway accepts it', async () => {
    const token = await stack.token({ sub: 'student-1', roles: ['student'] });
    const tab = await openTab();
    const { page } = tab;
    try {
      await openExplorer(page);
      await replaceEditorText(page, '.graphiql-query-editor', '{ categories { slug } }');
      await page.locator('.graphiql-editor-tools').getByRole('button', { name: 'Headers', exact: true }).click();
      await replaceEditorText(page, '.graphiql-editor-tool', `{"authorization": "Bearer ${token}"}`);
      const post = await runFromToolbar(page);

      expect(post.headers()['authorization']).toBe(`Bearer ${token}`);
      expect((await post.response())?.status()).toBe(200);
      await page.locator('.graphiql-response', { hasText: '"music"' }).waitFor({ timeout: 15_000 });
      // The token stays in this tab: nothing of it is kept in the browser's storage.
      expect(await page.evaluate<string>('JSON.stringify(localStorage)')).not.toContain(token);
      expectCleanSession(tab);
    } finally {
      await closeTab(tab);
    }
  });

  it('serves the page and each asset with its content type, revalidation by ETag and gzip', async () => {
    const page = await fetch(explorerUrl, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'; script-src 'self'");
    const assets = {
      'graphiql.js': 'text/javascript; charset=utf-8',
      'graphiql.css': 'text/css; charset=utf-8',
      'start-explorer.js': 'text/javascript; charset=utf-8',
      'editor.worker.js': 'text/javascript; charset=utf-8',
      'json.worker.js': 'text/javascript; charset=utf-8',
      'graphql.worker.js': 'text/javascript; charset=utf-8',
    };
    for (const [name, contentType] of Object.entries(assets)) {
      const asset = await fetch(`${explorerUrl}/explorer/${name}`, { headers: { 'accept-encoding': 'gzip' } });
      expect({ name, status: asset.status, type: asset.headers.get('content-type'), encoding: asset.headers.get('content-encoding') }).toEqual({
        name,
        status: 200,
        type: contentType,
        encoding: 'gzip',
      });
      expect(asset.headers.get('cache-control')).toBe('no-cache');
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(500);
    }

    const script = await fetch(`${explorerUrl}/explorer/graphiql.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(script.headers.get('content-encoding')).toBeNull();
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(1_000_000);
    const again = await fetch(`${explorerUrl}/explorer/graphiql.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('failing and refused requests', () => {
  const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

  it('GraphQL clients still get GraphQL at the same URL, never the page', async () => {
    const post = await fetch(explorerUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: BROWSER_ACCEPT },
      body: JSON.stringify({ query: '{ categories { slug } }' }),
    });
    expect(post.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(((await post.json()) as { data: { categories: unknown[] } }).data.categories.length).toBeGreaterThan(0);

    const getWithQuery = await fetch(`${explorerUrl}?query=${encodeURIComponent('{ categories { slug } }')}`, { headers: { accept: BROWSER_ACCEPT } });
    expect(getWithQuery.headers.get('content-type')).not.toMatch(/html/);
    const curl = await fetch(explorerUrl, { headers: { accept: '*/*' } });
    expect(curl.headers.get('content-type')).not.toMatch(/html/);
  });

  it('serves no file outside its fixed list', async () => {
    for (const path of ['/graphql/explorer/yoga-graphiql.umd.js', '/graphql/explorer/', '/graphql/explorer/%2e%2e/%2e%2e/package.json', '/graphql/explorer/..%2f..%2fpackage.json']) {
      const response = await fetch(new URL(path, explorerUrl));
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const posted = await fetch(`${explorerUrl}/explorer/graphiql.js`, { method: 'POST' });
    expect(posted.status).toBe(405);
  });
});
