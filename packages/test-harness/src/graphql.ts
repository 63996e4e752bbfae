/** What a GraphQL call through the gateway answered, and how tests read it. */

export interface GraphQLResult {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

export interface GraphQLRequestOptions {
  variables?: Record<string, unknown>;
  token?: string;
  headers?: Record<string, string>;
}

/** The data of a successful call; fails the test with the errors otherwise. */
export function dataOf<T = Record<string, unknown>>(result: GraphQLResult): T {
  if (result.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
  return result.body.data as T;
}

/** The code, reason and details of the first error (undefined when the call succeeded). */
export function errorOf(result: GraphQLResult): { code?: unknown; reason?: unknown; details?: Record<string, unknown> } | undefined {
  const extensions = result.body.errors?.[0]?.extensions;
  return extensions && { code: extensions.code, reason: extensions.reason, details: extensions.details as Record<string, unknown> | undefined };
}
