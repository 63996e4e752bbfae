import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

export interface QueryLimits {
  /** Deepest selection nesting allowed. */
  maxDepth: number;
  /** Most aliased fields in one operation. */
  maxAliases: number;
  /** Most field selections in one operation after expanding fragments (a cost bound). */
  maxFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxFields: 400 };

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/**
 * A validation rule that rejects abusive operations before any subgraph is called: too deep, too
 * many aliases, or too many fields. Fragments are expanded (each counted once per use) and
 * fragment cycles are already refused by GraphQL's own validation.
 */
export function useQueryLimits(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const measure = (set: SelectionSetNode, depth: number, seen: Set<string>, totals: { fields: number; aliases: number; depth: number }) => {
      for (const selection of set.selections) {
        if (totals.fields > limits.maxFields || totals.depth > limits.maxDepth) return;
        if (selection.kind === Kind.FIELD) {
          totals.fields += 1;
          if (selection.alias) totals.aliases += 1;
          if (selection.selectionSet) {
            totals.depth = Math.max(totals.depth, depth + 1);
            measure(selection.selectionSet, depth + 1, seen, totals);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          measure(selection.selectionSet, depth, seen, totals);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (fragment && !seen.has(fragment.name.value)) {
            measure(fragment.selectionSet, depth, new Set(seen).add(fragment.name.value), totals);
          }
        }
      }
    };
    return {
      OperationDefinition(operation) {
        const totals = { fields: 0, aliases: 0, depth: 1 };
        measure(operation.selectionSet, 1, new Set(), totals);
        if (totals.depth > limits.maxDepth) context.reportError(tooComplex(`Query depth exceeds the limit of ${limits.maxDepth}`));
        else if (totals.aliases > limits.maxAliases) context.reportError(tooComplex(`Query uses more than ${limits.maxAliases} aliases`));
        else if (totals.fields > limits.maxFields) context.reportError(tooComplex(`Query selects more than ${limits.maxFields} fields`));
      },
    };
  };
}
