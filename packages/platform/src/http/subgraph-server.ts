import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { defaultFieldResolver, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { ApiErrorCode, createErrorFormatter } from '../api/errors';
import { DEFAULT_REQUEST_BUDGET, requestBudgetPlugin, RequestBudgetExceeded, stopRequest, type RequestBudget } from '../api/request-budget';
import type { PlatformMetrics } from '../runtime/metrics';
import { requestScope } from '../runtime/request-context';
import type { ServiceDeps } from '../runtime/service-deps';
import { createHttpApp, type HttpApp, type HttpRouteHandler, type ReadinessChecks } from './app';
import { parseGraphQLBody, readGraphQLRawBody, sendGraphQLError, toHeaderMap, writeGraphQLResponse } from './bodies';
import { callerKeyFor, verifyCaller, type Caller } from './caller';

export interface SubgraphServerOptions<Ctx extends BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<Ctx>;
  logger: Logger;
  metrics: PlatformMetrics;
  signingSecret: string;
  callerMaxAgeMs: number;
  /** Builds the per-request context from the verified caller. */
  context(caller: Caller): Ctx | Promise<Ctx>;
  readiness: ReadinessChecks;
  /**
   * Extra HTTP paths next to /graphql (e.g. a provider's webhook). They are not GraphQL and carry
   * no caller signature: each handler authenticates its own requests.
   */
  routes?: Record<string, HttpRouteHandler>;
  /** What one request may cost the service; DEFAULT_REQUEST_BUDGET unless configured. */
  budget?: RequestBudget;
}

/** A subgraph's HTTP surface, built but not listening (tests mount it in-process). */
export interface SubgraphServer extends HttpApp {
  apollo: ApolloServer<BaseContext>;
}

/**
 * Times the root fields (queries, mutations, `_entities`) into graphql_resolver_duration_seconds by
 * wrapping their resolvers once, at build: a plugin hook would run for every field of every answer.
 */
export function timeRootFields(schema: GraphQLSchema, metrics: PlatformMetrics): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const labels = { parent: type.name, field: field.name };
      field.resolve = async (source, args, context, info) => {
        const stop = metrics.resolverDuration.startTimer(labels);
        try {
          return await resolve(source, args, context, info);
        } finally {
          stop();
        }
      };
    }
  }
  return schema;
}

const TIMED_OUT = Symbol('timed out');

/** The work's result, or TIMED_OUT once `ms` have passed (the work itself is stopped by its budget). */
async function beforeDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds a subgraph: every GraphQL request (including `_entities` and `_service`) must carry a
 * valid, fresh caller signature from the gateway or another service, or it is answered 401.
 */
export async function createSubgraphServer<Ctx extends BaseContext>(options: SubgraphServerOptions<Ctx>): Promise<SubgraphServer> {
  const budget = options.budget ?? DEFAULT_REQUEST_BUDGET;
  const apollo = new ApolloServer<BaseContext>({
    schema: timeRootFields(buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }]), options.metrics),
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The service lifecycle drains on SIGTERM itself; Apollo must not stop the server first.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    logger: options.logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      // No subgraph gives cache hints (the gateway's public cache decides by field): its per-field hook would only cost.
      ApolloServerPluginCacheControlDisabled(),
      requestBudgetPlugin(options.typeDefs, budget),
    ],
  });
  await apollo.start();

  async function graphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const headers = toHeaderMap(req);
    // The signature covers this service, the method, the path and the exact body bytes.
    const raw = await readGraphQLRawBody(req, res);
    if (!raw) return;
    const signed = { method: req.method ?? 'GET', path: req.url ?? '/', body: raw };
    const verified = verifyCaller(headers, callerKeyFor(options.signingSecret, options.name), signed, options.callerMaxAgeMs);
    if (!verified.ok) return sendGraphQLError(res, 401, 'UNAUTHENTICATED', `Request refused: caller signature ${verified.reason}`);
    const caller = { ...verified.caller, requestId: verified.caller.requestId || requestId };
    const parsed = parseGraphQLBody(raw, res);
    if (!parsed) return;
    const url = new URL(req.url ?? '/', 'http://subgraph');
    let contextValue: Ctx | undefined;
    const execution = requestScope.run({ requestId: caller.requestId, caller }, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: url.search, body: parsed.body },
        context: async () => (contextValue = await options.context(caller)),
      }),
    );
    const result = await beforeDeadline(execution, budget.deadlineMs);
    if (result === TIMED_OUT) {
      const stopped = new RequestBudgetExceeded(`The request ran past its ${budget.deadlineMs} ms deadline`, ApiErrorCode.ServiceUnavailable, 'DEADLINE_EXCEEDED');
      if (contextValue) stopRequest(contextValue, stopped);
      execution.catch(() => undefined);
      return sendGraphQLError(res, 503, ApiErrorCode.ServiceUnavailable, stopped.message);
    }
    await writeGraphQLResponse(res, result);
  }

  const app = createHttpApp({ ...options, graphql, afterDrain: () => apollo.stop() });
  return { ...app, apollo };
}

/** Reads a service's SDL (the contract at the package root). */
export function loadTypeDefs(serviceRoot: string): DocumentNode {
  return parse(readFileSync(join(serviceRoot, 'schema.graphql'), 'utf8'));
}

/**
 * A service's subgraph with the platform's wiring (logging, metrics, caller verification,
 * readiness of Postgres and Kafka plus any extra dependencies).
 */
export function buildSubgraph<Ctx extends BaseContext>(
  deps: ServiceDeps,
  options: Pick<SubgraphServerOptions<Ctx>, 'typeDefs' | 'resolvers' | 'context' | 'routes'> & { readiness?: ReadinessChecks },
): Promise<SubgraphServer> {
  return createSubgraphServer<Ctx>({
    name: deps.config.service,
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    context: options.context,
    logger: deps.logger,
    metrics: deps.metrics,
    signingSecret: deps.config.signingSecret,
    callerMaxAgeMs: deps.config.callerMaxAgeMs,
    budget: deps.config.requestBudget,
    readiness: { postgres: () => deps.db.ping(), kafka: () => deps.bus.ping(), ...options.readiness },
    ...(options.routes ? { routes: options.routes } : {}),
  });
}
