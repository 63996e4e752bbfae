import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

export const MAX_BODY_BYTES = 1_000_000;

export function sendJson(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A GraphQL-shaped error response for failures before execution (auth, body, shutdown). */
export function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { errors: [{ message, extensions: { code } }] });
}

/** The request body's exact bytes (what a webhook signature covers); null when it exceeds the limit. */
export async function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Reads the request body as text; null when it exceeds the limit. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string | null> {
  const raw = await readRawBody(req, limit);
  return raw === null ? null : raw.toString('utf8');
}

export function toHeaderMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

const NO_BODY = Buffer.alloc(0);

/**
 * A GraphQL request's exact body bytes (none unless POST), which a caller signature covers;
 * answers 413 itself and returns undefined when the body is too large.
 */
export async function readGraphQLRawBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const raw = req.method === 'POST' ? await readRawBody(req) : NO_BODY;
  if (raw === null) {
    sendGraphQLError(res, 413, 'BAD_REQUEST', 'Request body too large');
    return undefined;
  }
  return raw;
}

/** Parses body bytes read by readGraphQLRawBody; answers 400 itself and returns undefined when they are not JSON. */
export function parseGraphQLBody(raw: Buffer, res: ServerResponse): { body: unknown } | undefined {
  try {
    return { body: raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined };
  } catch {
    sendGraphQLError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
    return undefined;
  }
}

/** Reads and parses a GraphQL body; answers 413/400 itself and returns undefined when it did. */
export async function readGraphQLBody(req: IncomingMessage, res: ServerResponse): Promise<{ body: unknown } | undefined> {
  const raw = await readGraphQLRawBody(req, res);
  return raw && parseGraphQLBody(raw, res);
}

export async function writeGraphQLResponse(res: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [key, value] of result.headers) headers[key] = value;
  if (result.body.kind === 'complete') {
    headers['content-length'] = String(Buffer.byteLength(result.body.string));
    res.writeHead(result.status ?? 200, headers);
    res.end(result.body.string);
    return;
  }
  res.writeHead(result.status ?? 200, headers);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * A webhook's exact bytes (what the sender signed, never re-serialised JSON), and the signature
 * header named: answers 405 for anything but POST and 413 past `limit` itself, and then null.
 */
export async function webhookDelivery(req: IncomingMessage, res: ServerResponse, signatureHeader: string, limit: number): Promise<{ body: Buffer; signature: string | undefined } | null> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    sendJson(res, 405, { error: 'method not allowed' });
    return null;
  }
  const body = await readRawBody(req, limit);
  if (!body) {
    sendJson(res, 413, { error: 'payload too large' });
    return null;
  }
  const header = req.headers[signatureHeader.toLowerCase()];
  return { body, signature: typeof header === 'string' ? header : undefined };
}
