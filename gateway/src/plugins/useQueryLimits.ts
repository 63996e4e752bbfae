import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

export interface QueryLimits {
  /** Deepest selection nesting allowed. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most field selections in one operation after expanding fragments (a cost bound). */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxFields: 400 };

/**
 * Visits every field of the operation with its depth (1 at the root) and the names of the fields
 * above it. Fragments are expanded at each place they are spread (fragment cycles are already
 * refused by GraphQL validation). The walk stops as soon as `visit` answers true.
 */
function walkFields(operation: OperationDefinitionNode, document: DocumentNode, visit: (field: FieldNode, depth: number, above: readonly string[]) => boolean): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let stopped = false;
  const walk = (set: SelectionSetNode, depth: number, above: readonly string[], expanding: ReadonlySet<string>): void => {
    for (const selection of set.selections) {
      if (stopped) return;
      if (selection.kind === Kind.FIELD) {
        stopped = visit(selection, depth, above);
        if (!stopped && selection.selectionSet) walk(selection.selectionSet, depth + 1, [...above, selection.name.value], expanding);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, above, expanding);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !expanding.has(fragment.name.value)) walk(fragment.selectionSet, depth, above, new Set(expanding).add(fragment.name.value));
      }
    }
  };
  walk(operation.selectionSet, 1, [], new Set());
}

/** Which limit an operation exceeds, if any; counting stops at the first limit. */
export function exceededQueryLimit(operation: OperationDefinitionNode, document: DocumentNode, limits: QueryLimits): string | null {
  const totals = { fields: 0, aliases: 0, depth: 1 };
  walkFields(operation, document, (field, depth) => {
    totals.fields += 1;
    if (field.alias) totals.aliases += 1;
    if (field.selectionSet) totals.depth = Math.max(totals.depth, depth + 1);
    return totals.fields > limits.maxFields || totals.depth > limits.maxDepth || totals.aliases > limits.maxAliases;
  });
  if (totals.depth > limits.maxDepth) return `Query depth exceeds the limit of ${limits.maxDepth}`;
  if (totals.aliases > limits.maxAliases) return `Query uses more than ${limits.maxAliases} aliases`;
  if (totals.fields > limits.maxFields) return `Query selects more than ${limits.maxFields} fields`;
  return null;
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
  let refusal: string | null = null;
  walkFields(operation, document, (field, depth, above) => {
    const name = field.name.value;
    if (depth > 20) refusal = 'Introspection depth exceeds the limit of 20';
    else if (INTROSPECTION_LISTS.has(name) && above.includes(name)) refusal = `Introspection may not nest ${name} inside ${name}`;
    return refusal !== null;
  });
  return refusal;
}
