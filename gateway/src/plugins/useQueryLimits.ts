import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface QueryLimits {
  /** Deepest selection nesting allowed. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most field selections in one operation after expanding fragments (a cost bound). */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxFields: 400 };

interface Totals {
  fields: number;
  aliases: number;
  depth: number;
}

/**
 * Which limit an operation exceeds, if any. Fragments are expanded at each place they are spread
 * (fragment cycles are already refused by GraphQL validation); counting stops at the first limit.
 */
export function exceededQueryLimit(operation: OperationDefinitionNode, document: DocumentNode, limits: QueryLimits): string | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const totals: Totals = { fields: 0, aliases: 0, depth: 1 };
  const over = () => totals.fields > limits.maxFields || totals.depth > limits.maxDepth || totals.aliases > limits.maxAliases;
  const walk = (set: SelectionSetNode, depth: number, expanding: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (over()) return;
      if (selection.kind === Kind.FIELD) {
        totals.fields += 1;
        if (selection.alias) totals.aliases += 1;
        if (selection.selectionSet) {
          totals.depth = Math.max(totals.depth, depth + 1);
          walk(selection.selectionSet, depth + 1, expanding);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, expanding);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !expanding.has(fragment.name.value)) walk(fragment.selectionSet, depth, new Set(expanding).add(fragment.name.value));
      }
    }
  };
  walk(operation.selectionSet, 1, new Set());
  if (totals.depth > limits.maxDepth) return `Query depth exceeds the limit of ${limits.maxDepth}`;
  if (totals.aliases > limits.maxAliases) return `Query uses more than ${limits.maxAliases} aliases`;
  if (totals.fields > limits.maxFields) return `Query selects more than ${limits.maxFields} fields`;
  return null;
}

/**
 * Refuses abusive operations (too deep, too many aliases, too many fields) with QUERY_TOO_COMPLEX
 * after validation and before the query is planned, so no subgraph is ever called for them.
 */
export function useQueryLimits<Ctx extends BaseContext>(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document }) {
          const exceeded = operation ? exceededQueryLimit(operation, document, limits) : null;
          if (exceeded) throw new GraphQLError(exceeded, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });
        },
      };
    },
  };
}

/** Introspection fields that list types or fields: each may appear once on a path, no more. */
const INTROSPECTION_LISTS = new Set(['types', 'fields', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues', 'args', 'directives']);

/** Whether the operation asks only about the schema (`__schema`, `__type`, `__typename` at its root). */
export function isIntrospectionOnly(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && selection.name.value.startsWith('__'));
}

/**
 * Why an introspection operation is refused, or null. Tools (the explorer, codegen) send the
 * standard introspection query, deeper than operations may be (its type references nest seven
 * levels), so it gets a depth of 20; but a list of types or fields may not be nested inside
 * another of the same kind (`fields { type { fields { … } } }`), which is how an introspection
 * query grows without bound. The gateway answers introspection itself, and never in production.
 */
export function refusedIntrospection(operation: OperationDefinitionNode, document: DocumentNode): string | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let refusal: string | null = null;
  const walk = (set: SelectionSetNode, depth: number, lists: readonly string[], expanding: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (refusal) return;
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (depth > 20) refusal = 'Introspection depth exceeds the limit of 20';
        else if (INTROSPECTION_LISTS.has(name) && lists.includes(name)) refusal = `Introspection may not nest ${name} inside ${name}`;
        else if (selection.selectionSet) walk(selection.selectionSet, depth + 1, INTROSPECTION_LISTS.has(name) ? [...lists, name] : lists, expanding);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, lists, expanding);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !expanding.has(fragment.name.value)) walk(fragment.selectionSet, depth, lists, new Set(expanding).add(fragment.name.value));
      }
    }
  };
  walk(operation.selectionSet, 1, [], new Set());
  return refusal;
}
