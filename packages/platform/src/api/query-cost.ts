import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  isListType,
  Kind,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type ValueNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { MAX_PAGE_SIZE } from './page-size';

/**
 * What an operation costs before it runs, counting list sizes (the demand-control model of the
 * GraphQL cost directives, `@cost` and `@listSize`, which the subgraphs declare in their SDL and
 * composition carries into the supergraph):
 *
 * - every object (or interface/union) a field returns costs its weight, 1 unless `@cost(weight:)`
 *   says otherwise; scalars and enums cost 0;
 * - a list field multiplies what it returns, selections included, by its size: the value of its
 *   slicing argument (`first`, with its schema default when omitted; at most MAX_PAGE_SIZE, since
 *   every connection refuses more with INVALID_PAGE_SIZE, which is the clearer answer), else its
 *   `@listSize(assumedSize:)`, else a default size;
 * - a field whose `@listSize` names `sizedFields` (a connection) applies its size to its whole
 *   selection, and the sized list inside costs one item's worth (siblings such as `pageInfo` are
 *   counted per item too: a small, safe over-estimate);
 * - `_entities` is as long as the representations it is given.
 *
 * The walk (fragments, @skip/@include, variables, abstract types) is graphql-query-complexity's.
 */

export interface ListSizeRule {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

export interface CostDirectives {
  /** By `Type.field`. */
  listSizes: ReadonlyMap<string, ListSizeRule>;
  /** `@cost(weight:)` by `Type.field`. */
  weights: ReadonlyMap<string, number>;
}

/** Directive names as the subgraph imports them or as the supergraph prints them. */
const LIST_SIZE = new Set(['listSize', 'cost__listSize', 'federation__listSize']);
const COST = new Set(['cost', 'cost__cost', 'federation__cost']);

function constValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
      return node.value;
    case Kind.BOOLEAN:
      return node.value;
    case Kind.LIST:
      return node.values.map(constValue);
    default:
      return undefined;
  }
}

function argumentsOf(directive: ConstDirectiveNode): Record<string, unknown> {
  return Object.fromEntries((directive.arguments ?? []).map((arg) => [arg.name.value, constValue(arg.value)]));
}

/** Reads `@listSize` and `@cost` from a subgraph's SDL or from the composed supergraph. */
export function readCostDirectives(document: DocumentNode): CostDirectives {
  const listSizes = new Map<string, ListSizeRule>();
  const weights = new Map<string, number>();
  for (const definition of document.definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    for (const field of definition.fields ?? []) {
      const key = `${definition.name.value}.${field.name.value}`;
      for (const directive of field.directives ?? []) {
        const args = argumentsOf(directive);
        if (LIST_SIZE.has(directive.name.value)) {
          const rule: ListSizeRule = {};
          if (typeof args.assumedSize === 'number') rule.assumedSize = args.assumedSize;
          if (Array.isArray(args.slicingArguments)) rule.slicingArguments = args.slicingArguments as string[];
          if (Array.isArray(args.sizedFields)) rule.sizedFields = args.sizedFields as string[];
          listSizes.set(key, rule);
        } else if (COST.has(directive.name.value) && typeof args.weight === 'number') {
          weights.set(key, args.weight);
        }
      }
    }
  }
  return { listSizes, weights };
}

export interface QueryCostModelOptions {
  /** Size of a list field that declares none (every list of objects should declare one). */
  defaultListSize: number;
}

export class QueryCostModel {
  private readonly estimators: ComplexityEstimator[];

  constructor(
    private readonly schema: GraphQLSchema,
    directives: CostDirectives,
    options: QueryCostModelOptions,
  ) {
    /** Lists sized by the connection field above them: `ConnectionType.edges`. */
    const sizedByParent = new Set<string>();
    for (const [key, rule] of directives.listSizes) {
      if (!rule.sizedFields?.length) continue;
      const [typeName, fieldName] = key.split('.') as [string, string];
      const owner = schema.getType(typeName);
      const field = isObjectType(owner) || isInterfaceType(owner) ? owner.getFields()[fieldName] : undefined;
      if (!field) continue;
      const returned = getNamedType(field.type);
      for (const sized of rule.sizedFields) sizedByParent.add(`${returned.name}.${sized}`);
    }
    const sizeOf = (rule: ListSizeRule | undefined, args: Record<string, unknown>): number => {
      const sliced = (rule?.slicingArguments ?? []).map((name) => args[name]).filter((v): v is number => typeof v === 'number');
      if (sliced.length > 0) return Math.min(MAX_PAGE_SIZE, Math.max(0, ...sliced));
      return rule?.assumedSize ?? options.defaultListSize;
    };
    const estimate: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
      const key = `${type.name}.${field.name}`;
      const weight = directives.weights.get(key) ?? (isCompositeType(getNamedType(field.type)) ? 1 : 0);
      if (field.name === '_entities' && Array.isArray(args.representations)) return args.representations.length * (weight + childComplexity);
      const rule = directives.listSizes.get(key);
      if (rule?.sizedFields?.length) return weight + sizeOf(rule, args) * childComplexity;
      if (!isListType(getNullableType(field.type)) || sizedByParent.has(key)) return weight + childComplexity;
      return sizeOf(rule, args) * (weight + childComplexity);
    };
    this.estimators = [estimate];
  }

  /**
   * The operation's cost with these variables. Throws a GraphQLError when the variables do not
   * fit the operation (the request would be refused anyway).
   */
  cost(document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number {
    return getComplexity({
      schema: this.schema,
      query: document,
      estimators: this.estimators,
      ...(operationName ? { operationName } : {}),
      ...(variables ? { variables } : {}),
    });
  }
}
