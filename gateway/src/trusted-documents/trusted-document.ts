import { decideDocument, type DocumentPolicy, type OperationManifest } from './operation-manifest';

/**
 * The request with its document settled by the trusted-documents policy: an id of the manifest
 * becomes that operation's text (a POST body's `query`, a GET's `query` parameter), a document the
 * policy refuses is answered before anything runs.
 */
export function trustedDocument(
  manifest: OperationManifest,
  body: unknown,
  url: URL,
  policy: DocumentPolicy,
): { body: unknown; search: string; refused?: undefined } | { refused: { code: string; message: string } } {
  const params = url.searchParams;
  const post = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const extensions = post ? post.extensions : jsonParam(params.get('extensions'));
  const persisted = typeof extensions === 'object' && extensions !== null ? (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery : undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const decision = decideDocument(manifest, {
    query: text(post ? post.query : params.get('query') ?? undefined),
    documentId: text(post ? post.documentId : params.get('documentId') ?? undefined),
    persistedQueryHash: text(persisted?.sha256Hash),
  }, policy);
  if (decision.kind === 'refused') return { refused: decision };
  if (decision.kind === 'as-sent') return { body, search: url.search };
  const { persistedQuery: _persistedQuery, ...otherExtensions } = (typeof extensions === 'object' && extensions !== null ? extensions : {}) as Record<string, unknown>;
  if (post) {
    const { documentId: _documentId, ...rest } = post;
    return { body: { ...rest, query: decision.operation.body, extensions: otherExtensions }, search: url.search };
  }
  const search = new URLSearchParams(params);
  search.delete('documentId');
  search.set('query', decision.operation.body);
  search.set('extensions', JSON.stringify(otherExtensions));
  return { body, search: `?${search.toString()}` };
}

function jsonParam(value: string | null): unknown {
  if (value === null) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}
