import { isPageSize, MAX_PAGE_SIZE, type CostDirectives } from '@instainstru/platform';
import { getNamedType, GraphQLError, Kind, TypeInfo, valueFromAST, visit, visitWithTypeInfo, type ValueNode } from 'graphql';
import type { OperationCheck } from './useOperationCost';

/**
 * The page-size rule (`first` from 1 to 50) checked at the gateway for mutations, on every field
 * of their selection that pages with `first` (its `@listSize` slicing argument). A mutation's
 * answer may select fields another service resolves after the mutation has committed; a page size
 * that service would refuse must stop the mutation before it writes, not null its answer after.
 */
export function pageSizeRuleForMutations(directives: CostDirectives): OperationCheck {
  const paged = new Set([...directives.listSizes].filter(([, rule]) => rule.slicingArguments?.includes('first')).map(([key]) => key));
  return ({ schema, document, operation, variables }) => {
    if (operation.operation !== 'mutation') return null;
    const typeInfo = new TypeInfo(schema);
    let refusal: GraphQLError | null = null;
    const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    visit(
      { ...document, definitions: [operation, ...fragments] },
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (refusal) return false;
          const parent = typeInfo.getParentType();
          const field = parent && `${getNamedType(parent).name}.${node.name.value}`;
          const argument = field && paged.has(field) ? node.arguments?.find((a) => a.name.value === 'first') : undefined;
          const definition = typeInfo.getFieldDef()?.args.find((a) => a.name === 'first');
          if (!field || !paged.has(field) || !definition) return undefined;
          const first = argument ? valueFromAST(argument.value as ValueNode, definition.type, variables) : definition.defaultValue;
          if (first !== undefined && first !== null && !isPageSize(first)) {
            refusal = new GraphQLError(`${field}: first must be between 1 and ${MAX_PAGE_SIZE}; nothing was changed`, {
              extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE', details: { field, first, max: MAX_PAGE_SIZE }, http: { status: 400 } },
            });
          }
          return undefined;
        },
      }),
    );
    return refusal;
  };
}
