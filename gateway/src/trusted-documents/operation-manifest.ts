import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The trusted documents: operations published in `schemas/operations/manifest.json` (Apollo's
 * persisted query manifest format), each known by the SHA-256 of its exact text. Partners may run
 * only these, by id; first-party apps may send ids too; other documents run only where
 * configuration allows them (development by default). Automatic persisted queries stay what they
 * are, a way to send a hash instead of a long text: a hash that is not in the manifest never lets
 * a document run that could not have run as text.
 */

export interface PersistedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface OperationManifestFile {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

export const documentIdOf = (body: string): string => createHash('sha256').update(body, 'utf8').digest('hex');

export class OperationManifest {
  private readonly byId: ReadonlyMap<string, PersistedOperation>;

  constructor(operations: readonly PersistedOperation[]) {
    for (const operation of operations) {
      if (documentIdOf(operation.body) !== operation.id) throw new Error(`Manifest operation ${operation.name} has an id that is not the SHA-256 of its body`);
    }
    this.byId = new Map(operations.map((operation) => [operation.id, operation]));
  }

  static fromFile(path: string): OperationManifest {
    const file = JSON.parse(readFileSync(path, 'utf8')) as OperationManifestFile;
    if (file.format !== 'apollo-persisted-query-manifest' || file.version !== 1) throw new Error(`${path} is not a persisted query manifest (version 1)`);
    return new OperationManifest(file.operations);
  }

  get(id: string): PersistedOperation | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** What a request says about its document, from a POST body or GET parameters. */
export interface DocumentRequest {
  query?: string | undefined;
  /** `documentId` (GraphQL over HTTP's trusted documents: `sha256:<hex>` or the bare hex). */
  documentId?: string | undefined;
  /** `extensions.persistedQuery.sha256Hash` (automatic persisted queries). */
  persistedQueryHash?: string | undefined;
}

export type DocumentDecision =
  /** Run this manifest operation's text (the request named it by id, or sent exactly its text). */
  | { kind: 'manifest'; operation: PersistedOperation }
  /** Run the request as sent (an arbitrary document, or an automatic persisted query, where allowed). */
  | { kind: 'as-sent' }
  | { kind: 'refused'; code: 'PERSISTED_QUERY_NOT_IN_LIST' | 'PERSISTED_QUERY_ID_REQUIRED'; message: string };

/** Who may run documents that are not in the manifest (partner keys never may). */
export type ArbitraryOperations = 'all' | 'signed-in' | 'none';

export interface DocumentPolicy {
  /** Partners: ids only, and only ids in the manifest. */
  idsOnly: boolean;
  /** Documents that are not in the manifest may run (development, by configuration). */
  allowArbitrary: boolean;
}

const HEX_ID = /^(?:sha256:)?([0-9a-f]{64})$/;

/** Decides which document a request may run under the policy; never looks a document up anywhere but the manifest. */
export function decideDocument(manifest: OperationManifest, request: DocumentRequest, policy: DocumentPolicy): DocumentDecision {
  const namedId = request.documentId ?? request.persistedQueryHash;
  if (namedId !== undefined) {
    const id = HEX_ID.exec(namedId)?.[1];
    const operation = id ? manifest.get(id) : undefined;
    if (operation) {
      if (request.query !== undefined && request.query !== operation.body) {
        return { kind: 'refused', code: 'PERSISTED_QUERY_NOT_IN_LIST', message: 'The query sent is not the operation its id names' };
      }
      return { kind: 'manifest', operation };
    }
    // An automatic persisted query's hash (or an unknown id) may stand only for a document that could run as text.
    if (policy.idsOnly || !policy.allowArbitrary || request.documentId !== undefined) {
      return { kind: 'refused', code: 'PERSISTED_QUERY_NOT_IN_LIST', message: 'No trusted operation has this id' };
    }
    return { kind: 'as-sent' };
  }
  if (request.query === undefined) return { kind: 'as-sent' };
  if (policy.idsOnly) {
    return { kind: 'refused', code: 'PERSISTED_QUERY_ID_REQUIRED', message: 'Partner keys run trusted operations by id: send documentId (see schemas/operations)' };
  }
  if (policy.allowArbitrary) return { kind: 'as-sent' };
  const operation = manifest.get(documentIdOf(request.query));
  return operation
    ? { kind: 'manifest', operation }
    : { kind: 'refused', code: 'PERSISTED_QUERY_NOT_IN_LIST', message: 'Only trusted operations run here; this document is not in the manifest' };
}
