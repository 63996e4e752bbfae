import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { DocumentNode } from 'graphql';
import type { Logger } from 'pino';
import { verifyCaller, type Caller } from './caller';
import { createErrorFormatter } from './errors';
import { createHttpApp, type HttpApp, type HttpRouteHandler, type ReadinessChecks } from './http-app';
import { readGraphQLBody, sendGraphQLError, toHeaderMap, writeGraphQLResponse } from './http-utils';
import type { PlatformMetrics } from './metrics';
import { requestScope } from './request-context';

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
}

/** A subgraph's HTTP surface, built but not listening (tests mount it in-process). */
export interface SubgraphServer extends HttpApp {
  apollo: ApolloServer<BaseContext>;
}

export function resolverTimingPlugin(metrics: PlatformMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              const parent = info.parentType.name;
              if (parent !== 'Query' && parent !== 'Mutation' && info.fieldName !== '_entities') return;
              const stop = metrics.resolverDuration.startTimer({ parent, field: info.fieldName });
              return () => stop();
            },
          };
        },
      };
    },
  };
}

/**
 * Builds a subgraph: every GraphQL request (including `_entities` and `_service`) must carry a
 * valid, fresh caller signature from the gateway or another service, or it is answered 401.
 */
export async function createSubgraphServer<Ctx extends BaseContext>(options: SubgraphServerOptions<Ctx>): Promise<SubgraphServer> {
  const apollo = new ApolloServer<BaseContext>({
    schema: buildSubgraphSchema([{ typeDefs: options.typeDefs, resolvers: options.resolvers as GraphQLResolverMap<unknown> }]),
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The service lifecycle drains on SIGTERM itself; Apollo must not stop the server first.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    logger: options.logger,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), resolverTimingPlugin(options.metrics)],
  });
  await apollo.start();

  async function graphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const headers = toHeaderMap(req);
    const verified = verifyCaller(headers, options.signingSecret, options.callerMaxAgeMs);
    if (!verified.ok) return sendGraphQLError(res, 401, 'UNAUTHENTICATED', `Request refused: caller signature ${verified.reason}`);
    const caller = { ...verified.caller, requestId: verified.caller.requestId || requestId };
    const parsed = await readGraphQLBody(req, res);
    if (!parsed) return;
    const url = new URL(req.url ?? '/', 'http://subgraph');
    const result = await requestScope.run({ requestId: caller.requestId, caller }, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'POST', headers, search: url.search, body: parsed.body },
        context: async () => options.context(caller),
      }),
    );
    await writeGraphQLResponse(res, result);
  }

  const app = createHttpApp({ ...options, graphql, afterDrain: () => apollo.stop() });
  return { ...app, apollo };
}
