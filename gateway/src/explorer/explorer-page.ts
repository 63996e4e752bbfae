/** The explorer's HTML page: GraphiQL's stylesheet and bundle, all served by the gateway itself. */

export interface ExplorerPageSettings {
  /** Where GraphQL is answered; the page posts its operations there. */
  graphqlPath: string;
  /** Where the assets are served, ending in '/'. */
  assetBase: string;
  title: string;
}

const DEFAULT_QUERY = `# Ctrl-Enter runs the query; the book icon opens the docs.
# Signed in: in Headers, {"authorization": "Bearer <token>"}
# (npm run dev-token -- --role student --sub student-1)
{
  categories {
    slug
    name
  }
}
`;

/**
 * Only this origin: scripts, styles, workers and GraphQL requests all come from the gateway, so a
 * page that tried to reach a CDN would fail in the browser too. Styles may be inline (React and
 * Monaco set them at run time); fonts and icons are data URIs inside GraphiQL's stylesheet.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderExplorerPage({ graphqlPath, assetBase, title }: ExplorerPageSettings): string {
  const base = escapeHtml(assetBase);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="${base}graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>The GraphQL explorer needs JavaScript.</noscript>
    <div id="root" data-endpoint="${escapeHtml(graphqlPath)}" data-assets="${base}" data-title="${escapeHtml(title)}" data-default-query="${escapeHtml(DEFAULT_QUERY)}"></div>
    <script src="${base}start-explorer.js"></script>
    <script src="${base}graphiql.js"></script>
  </body>
</html>
`;
}
