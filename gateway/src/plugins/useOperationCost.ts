import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { MAX_STRING_ARGUMENT_LENGTH, overlongString, overlongStringError, QueryCostModel, type CostDirectives } from '@instainstru/platform';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { BucketPlan, CostBuckets } from '../rate-limits/cost-buckets';
import type { CostReport, GatewayRequestContext as GatewayContext } from '../gateway-context';
import { exceededQueryLimit, isIntrospectionOnly, refusedIntrospection, type QueryLimits } from './useQueryLimits';

export interface CostLimits {
  maxCost: number;
  defaultListSize: number;
  /** Off only to measure what pricing costs (bench): operations then run unpriced and unthrottled. */
  analysis?: boolean;
}

export const DEFAULT_COST_LIMITS: CostLimits = { maxCost: 5000, defaultListSize: 50 };

export interface RateLimitPolicy {
  buckets: CostBuckets;
  /** Whose bucket an operation is charged to, and its size and restore rate. */
  bucketOf(context: GatewayContext): { key: string; plan: BucketPlan };
}

/** A check an operation must pass before it is priced, e.g. a partner's scopes; answers the refusal or null. */
export type OperationCheck = (operation: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown> | undefined;
  context: GatewayContext;
}) => GraphQLError | null;

export interface OperationCostOptions {
  /** `@listSize`/`@cost` declarations read from the supergraph. */
  directives: CostDirectives;
  /** Most an operation may cost (a caller's bucket size lowers it further). */
  maxCost: number;
  /** Size of a list field that declares none. */
  defaultListSize: number;
  /** Whether operations are priced (and so charged); on unless measuring what it costs. */
  analysis?: boolean;
  /** Depth, alias and field limits, checked first. */
  limits: QueryLimits;
  /** Run in order after the depth, alias and field limits, before the operation is priced. */
  checks?: readonly OperationCheck[];
  /** Called when the buckets cannot be reached: the operation then runs unthrottled, never refused for it. */
  onBucketsUnavailable?(error: unknown): void;
  /** Charges each operation's cost to its caller's bucket; absent, nobody is rate limited. */
  rateLimit?: RateLimitPolicy;
}

function refuse(message: string, code: string, status: number, extensions: Record<string, unknown>, headers?: HeaderMap): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions, http: { status, ...(headers ? { headers } : {}) } } });
}

/**
 * Prices every operation before anything runs (see QueryCostModel): over the limit it is refused
 * with QUERY_TOO_COMPLEX and its cost; then the cost is taken from the caller's bucket, and a
 * caller whose bucket lacks it is refused with RATE_LIMITED (HTTP 429, Retry-After). Either way no
 * subgraph is called and nothing is half done. Every answer carries `extensions.cost`.
 */
export function useOperationCost(options: OperationCostOptions): ApolloServerPlugin<GatewayContext> {
  const models = new WeakMap<GraphQLSchema, QueryCostModel>();
  const modelFor = (schema: GraphQLSchema) => {
    let model = models.get(schema);
    if (!model) {
      model = new QueryCostModel(schema, options.directives, { defaultListSize: options.defaultListSize });
      models.set(schema, model);
    }
    return model;
  };
  /** Costs by document (Apollo keeps one parsed document per query text), operation and variables. */
  const costs = new WeakMap<DocumentNode, Map<string, number>>();
  const costOf = (schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined) => {
    const key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    let known = costs.get(document);
    const cached = known?.get(key);
    if (cached !== undefined) return cached;
    const cost = modelFor(schema).cost(document, operationName, variables);
    if (!known) costs.set(document, (known = new Map()));
    if (known.size < 64) known.set(key, cost);
    return cost;
  };

  /** The depth, alias and field verdict depends on the document alone: once per document and operation. */
  const verdicts = new WeakMap<DocumentNode, Map<string, string | null>>();
  const limitsOf = (document: DocumentNode, operation: OperationDefinitionNode) => {
    let known = verdicts.get(document);
    if (!known) verdicts.set(document, (known = new Map()));
    const name = operation.name?.value ?? '';
    let verdict = known.get(name);
    if (verdict === undefined) known.set(name, (verdict = exceededQueryLimit(operation, document, options.limits)));
    return verdict;
  };

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request, contextValue }) {
          if (!operation) return;
          // Schema questions are answered by the gateway itself (and refused in production): bounded apart, not priced.
          if (isIntrospectionOnly(operation)) {
            const refused = refusedIntrospection(operation, document);
            if (refused) throw refuse(refused, 'QUERY_TOO_COMPLEX', 400, {});
            return;
          }
          const exceeded = limitsOf(document, operation);
          if (exceeded) throw refuse(exceeded, 'QUERY_TOO_COMPLEX', 400, {});
          const overlong = overlongString(document, request.variables, MAX_STRING_ARGUMENT_LENGTH);
          if (overlong) throw overlongStringError(overlong, MAX_STRING_ARGUMENT_LENGTH);
          for (const check of options.checks ?? []) {
            const refusal = check({ schema, document, operation, variables: request.variables, context: contextValue });
            if (refusal) throw refusal;
          }

          if (options.analysis === false) return;
          let requested: number;
          try {
            requested = costOf(schema, document, request.operationName ?? undefined, request.variables);
          } catch (error) {
            const message = error instanceof GraphQLError ? error.message : 'The variables do not fit the operation';
            throw refuse(message, 'BAD_USER_INPUT', 400, {});
          }
          const bucket = options.rateLimit?.bucketOf(contextValue);
          const maximumQueryCost = Math.min(options.maxCost, bucket?.plan.bucketSize ?? Infinity);
          const report: CostReport = { requestedQueryCost: requested, maximumQueryCost };
          contextValue.cost = report;
          if (requested > maximumQueryCost) {
            throw refuse(`Query cost ${requested} exceeds the limit of ${maximumQueryCost}`, 'QUERY_TOO_COMPLEX', 400, { cost: report });
          }
          if (!bucket || !options.rateLimit) return;
          let charged;
          try {
            charged = await options.rateLimit.buckets.charge(bucket.key, bucket.plan, requested);
          } catch (error) {
            options.onBucketsUnavailable?.(error);
            return;
          }
          report.throttleStatus = charged.state;
          if (!charged.allowed) {
            const retryAfter = Math.ceil(charged.retryAfterMs / 1000);
            throw refuse(`Rate limited: this operation costs ${requested}, ${charged.state.currentlyAvailable} available; retry in ${retryAfter} s`, 'RATE_LIMITED', 429, {
              retryAfter,
              cost: report,
            }, new HeaderMap([['retry-after', String(retryAfter)]]));
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.cost || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: contextValue.cost };
        },
      };
    },
  };
}
