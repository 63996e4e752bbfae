import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ApiErrorCode } from './errors';
import { QueryCostModel, readCostDirectives } from './query-cost';

/**
 * What one request may cost a subgraph, whoever signed it: subgraphs are reachable by any holder
 * of a valid signature, so they do not rely on the gateway's limits alone.
 */
export interface RequestBudget {
  /** Most an operation may cost, priced like the gateway prices it (list sizes included). */
  maxCost: number;
  /** Most fields one request may resolve, whatever the estimate said (a hard bound on memory). */
  maxResolvedFields: number;
  /** How long one request may run before it is answered SERVICE_UNAVAILABLE and its work stopped. */
  deadlineMs: number;
}

export const DEFAULT_REQUEST_BUDGET: RequestBudget = { maxCost: 20_000, maxResolvedFields: 100_000, deadlineMs: 8000 };

/** Why a request was stopped while it ran; its answer says so, whatever the fields made of it. */
export class RequestBudgetExceeded extends GraphQLError {
  constructor(
    message: string,
    readonly code: ApiErrorCode,
    readonly reason: 'RESULT_TOO_LARGE' | 'DEADLINE_EXCEEDED',
  ) {
    super(message, { extensions: { code, reason } });
  }
}

interface BudgetState {
  resolved: number;
  deadline: number;
  stopped?: RequestBudgetExceeded;
}

const states = new WeakMap<object, BudgetState>();

/** Marks a request as out of time: every field it resolves from now on fails at once. */
export function stopRequest(contextValue: object, error: RequestBudgetExceeded): void {
  const state = states.get(contextValue);
  if (state && !state.stopped) state.stopped = error;
}

/**
 * Refuses an operation over the cost budget before it runs (QUERY_TOO_COMPLEX, with its cost),
 * and stops one that resolves too many fields or runs past its deadline: the next field it
 * resolves fails, and the failure propagates up the non-null lists, so the rest is never built.
 */
export function requestBudgetPlugin(typeDefs: DocumentNode, budget: RequestBudget): ApolloServerPlugin<BaseContext> {
  const directives = readCostDirectives(typeDefs);
  const models = new WeakMap<GraphQLSchema, QueryCostModel>();
  return {
    async requestDidStart({ contextValue }) {
      const state: BudgetState = { resolved: 0, deadline: Date.now() + budget.deadlineMs };
      states.set(contextValue, state);
      return {
        async didResolveOperation({ document, schema, request }) {
          const overlong = overlongString(document, request.variables, MAX_STRING_ARGUMENT_LENGTH);
          if (overlong) throw overlongStringError(overlong, MAX_STRING_ARGUMENT_LENGTH);
          let model = models.get(schema);
          if (!model) models.set(schema, (model = new QueryCostModel(schema, directives, { defaultListSize: 50 })));
          let cost: number;
          try {
            cost = model.cost(document, request.operationName ?? undefined, request.variables);
          } catch (error) {
            throw new GraphQLError(error instanceof Error ? error.message : 'The variables do not fit the operation', { extensions: { code: ApiErrorCode.BadUserInput } });
          }
          if (cost > budget.maxCost) {
            throw new GraphQLError(`Query cost ${cost} exceeds this service's limit of ${budget.maxCost}`, {
              extensions: { code: ApiErrorCode.QueryTooComplex, cost: { requestedQueryCost: cost, maximumQueryCost: budget.maxCost } },
            });
          }
        },
        async executionDidStart() {
          return {
            willResolveField() {
              if (state.stopped) throw state.stopped;
              state.resolved += 1;
              if (state.resolved > budget.maxResolvedFields) {
                state.stopped = new RequestBudgetExceeded(`The result is larger than ${budget.maxResolvedFields} fields`, ApiErrorCode.QueryTooComplex, 'RESULT_TOO_LARGE');
                throw state.stopped;
              }
              if ((state.resolved & 0xff) === 0 && Date.now() > state.deadline) {
                state.stopped = new RequestBudgetExceeded(`The request ran past its ${budget.deadlineMs} ms deadline`, ApiErrorCode.ServiceUnavailable, 'DEADLINE_EXCEEDED');
                throw state.stopped;
              }
            },
          };
        },
        async willSendResponse({ response }) {
          // A stopped request answers with the one reason it was stopped, never a partial result.
          if (!state.stopped || response.body.kind !== 'single') return;
          response.body.singleResult.data = null;
          response.body.singleResult.errors = [{ message: state.stopped.message, extensions: { code: state.stopped.code, reason: state.stopped.reason } }];
        },
      };
    },
  };
}

/** Longest string an argument or variable may hold (the longest field the API takes is 2,000 characters). */
export const MAX_STRING_ARGUMENT_LENGTH = 4000;

/**
 * The first string longer than `maxLength` among the operation's literal arguments and its
 * variables (nested input objects and lists included), or null. Domain rules set tighter limits
 * per field; this bounds what any argument can make a service parse, hash or store.
 */
export function overlongString(document: DocumentNode, variables: Record<string, unknown> | undefined, maxLength: number): { where: string; length: number } | null {
  const literal = longestLiteral(document);
  if (literal > maxLength) return { where: 'an argument', length: literal };
  const walk = (value: unknown, where: string): { where: string; length: number } | null => {
    if (typeof value === 'string') return value.length > maxLength ? { where, length: value.length } : null;
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        const hit = walk(item, `${where}[${i}]`);
        if (hit) return hit;
      }
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const hit = walk(item, `${where}.${key}`);
        if (hit) return hit;
      }
    }
    return null;
  };
  for (const [name, value] of Object.entries(variables ?? {})) {
    const hit = walk(value, `$${name}`);
    if (hit) return hit;
  }
  return null;
}

/** The longest string literal of a document, computed once per parsed document (servers reuse them). */
const longestLiterals = new WeakMap<DocumentNode, number>();
function longestLiteral(document: DocumentNode): number {
  let longest = longestLiterals.get(document);
  if (longest === undefined) {
    longest = 0;
    visit(document, {
      StringValue(node) {
        longest = Math.max(longest!, node.value.length);
      },
    });
    longestLiterals.set(document, longest);
  }
  return longest;
}

/** BAD_USER_INPUT for an overlong string, with where it is and the limit. */
export function overlongStringError(hit: { where: string; length: number }, maxLength: number): GraphQLError {
  return new GraphQLError(`A string in ${hit.where} has ${hit.length} characters; at most ${maxLength} are accepted`, {
    extensions: { code: ApiErrorCode.BadUserInput, reason: 'STRING_TOO_LONG', details: { where: hit.where, length: hit.length, maxLength }, http: { status: 400 } },
  });
}
