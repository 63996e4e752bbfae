import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { getNamedType, Kind, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { GatewayRequestContext } from '../gateway-context';

/**
 * How long an answer may be reused for anyone, by field (the gateway's equivalent of
 * `@cacheControl(maxAge:, scope: PUBLIC)`): public discovery data only. An operation is cached
 * when it is a query, every root field it selects is listed, and its caller is not signed in; it
 * is kept for the shortest age among the listed fields it selects. What a signed-in user asks is
 * never cached, so no answer can reach another user.
 *
 * Kids-available discovery changes must show within a second, so the category fields live half a
 * second (on top of the catalog's own invalidation, tens of milliseconds); search results a
 * little longer, as the catalog's view of instructors is itself eventually consistent.
 */
export const PUBLIC_CACHE_MAX_AGE_MS: Readonly<Record<string, number>> = {
  'Query.categories': 500,
  'Query.category': 500,
  'Query.kidsAvailableServices': 500,
  'Query.service': 500,
  'Query.parseSearch': 60_000,
  'Query.searchInstructors': 2000,
  'Query.instructorsForService': 2000,
  'Query.instructor': 2000,
  'Instructor.nextAvailableSlots': 1000,
  // A hidden or new review shows within half a second in an instructor's rating and reviews.
  'Instructor.rating': 500,
  'Instructor.reviews': 500,
};

export interface PublicCacheOptions {
  /** Most answers kept (least recently stored dropped first). */
  maxEntries: number;
  now?: () => number;
}

interface Entry {
  data: Record<string, unknown>;
  expiresAt: number;
}

/** The shortest age of the listed fields the operation selects, or null when it may not be cached. */
export function publicMaxAge(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): number | null {
  if (operation.operation !== 'query') return null;
  const queryType = schema.getQueryType()?.name;
  const typeInfo = new TypeInfo(schema);
  let maxAge = Infinity;
  let cacheable = true;
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  visit(
    { ...document, definitions: [operation, ...fragments] },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (!cacheable) return false;
        const parent = typeInfo.getParentType();
        if (!parent || node.name.value === '__typename') return undefined;
        const age = PUBLIC_CACHE_MAX_AGE_MS[`${getNamedType(parent).name}.${node.name.value}`];
        if (age !== undefined) maxAge = Math.min(maxAge, age);
        else if (parent.name === queryType) cacheable = false;
        return undefined;
      },
    }),
  );
  return cacheable && Number.isFinite(maxAge) ? maxAge : null;
}

/**
 * Serves anonymous public queries from a cache of whole answers, after the operation was checked,
 * priced and charged like any other (a cached answer costs the caller what the query costs).
 */
export function usePublicCache(options: PublicCacheOptions): ApolloServerPlugin<GatewayRequestContext> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const ages = new WeakMap<DocumentNode, Map<string, number | null>>();
  const ageOf = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) => {
    const name = operation.name?.value ?? '';
    let known = ages.get(document);
    if (!known) ages.set(document, (known = new Map()));
    let age = known.get(name);
    if (age === undefined) known.set(name, (age = publicMaxAge(schema, document, operation)));
    return age;
  };
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.caller.userId) return;
      let key: string | undefined;
      let maxAge: number | null = null;
      return {
        async responseForOperation({ schema, document, operation, request }) {
          maxAge = ageOf(schema, document, operation);
          if (maxAge === null) return null;
          key = `${request.operationName ?? ''}\u0000${request.variables ? JSON.stringify(request.variables) : ''}\u0000${request.query}`;
          const entry = entries.get(key);
          if (!entry) return null;
          if (entry.expiresAt <= now()) {
            entries.delete(key);
            return null;
          }
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data: entry.data } } };
        },
        async willSendResponse({ response }) {
          if (!key || maxAge === null || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors?.length || !data || entries.get(key)?.data === data) return;
          entries.delete(key);
          while (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value!);
          entries.set(key, { data, expiresAt: now() + maxAge });
        },
      };
    },
  };
}
