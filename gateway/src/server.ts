import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createHttpApp,
  readGraphQLBody,
  requestScope,
  sendGraphQLError,
  toHeaderMap,
  writeGraphQLResponse,
  type HttpApp,
  type Logger,
  type PlatformMetrics,
  type ServiceName,
} from '@instainstru/platform';
import type { GraphQLFormattedError } from 'graphql';
import { AuthenticationError, type CallerResolver } from './auth/jwt-verifier';
import { DEFAULT_QUERY_LIMITS, useQueryLimits, type QueryLimits } from './plugins/useQueryLimits';
import { SignedSubgraphDataSource, type GatewayContext } from './signed-data-source';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls?: Partial<Record<ServiceName, string>>;
  resolveCaller: CallerResolver;
  signingSecret: string;
  logger: Logger;
  metrics: PlatformMetrics;
  limits?: QueryLimits;
}

export interface GatewayServer extends HttpApp {
  apollo: ApolloServer<GatewayContext>;
}

/**
 * Errors that reach the caller: subgraph errors arrive already sanitised with their codes; the
 * gateway's own unexpected failures are reduced to an opaque INTERNAL_SERVER_ERROR.
 */
function formatGatewayError(logger: Logger) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ error: formatted }, 'gateway error');
    return { message: 'Internal server error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/** A subgraph is reachable when its /healthz answers 200 within a second. */
async function subgraphAnswers(graphqlUrl: string): Promise<void> {
  const response = await fetch(new URL('/healthz', graphqlUrl), { signal: AbortSignal.timeout(1000) });
  if (!response.ok) throw new Error(`healthz answered ${response.status}`);
}

/** Builds the gateway over a composed supergraph; it does not listen (index.ts does). */
export async function buildGateway(options: GatewayOptions): Promise<GatewayServer> {
  const overrides = options.subgraphUrls ?? {};
  /** Where each subgraph is served, as the gateway resolved it (supergraph routing URL or override). */
  const subgraphUrls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => {
      const resolved = overrides[name as ServiceName] ?? url!;
      subgraphUrls.set(name, resolved);
      return new SignedSubgraphDataSource(resolved, options.signingSecret);
    },
    logger: options.logger,
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: formatGatewayError(options.logger),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The service lifecycle drains on SIGTERM itself; Apollo must not stop the server first.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    logger: options.logger,
    plugins: [ApolloServerPluginLandingPageDisabled(), useQueryLimits<GatewayContext>(options.limits ?? DEFAULT_QUERY_LIMITS)],
  });
  await apollo.start();

  async function graphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    let caller;
    try {
      caller = await options.resolveCaller(req.headers.authorization, requestId);
    } catch (error) {
      if (error instanceof AuthenticationError) return sendGraphQLError(res, 401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    const parsed = await readGraphQLBody(req, res);
    if (!parsed) return;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const result = await requestScope.run({ requestId, caller }, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'POST', headers: toHeaderMap(req), search: url.search, body: parsed.body },
        context: async () => ({ caller }),
      }),
    );
    await writeGraphQLResponse(res, result);
  }

  const app = createHttpApp({
    name: 'gateway',
    logger: options.logger,
    metrics: options.metrics,
    readiness: Object.fromEntries([...subgraphUrls].map(([name, url]) => [name, () => subgraphAnswers(url)])),
    graphql,
    afterDrain: () => apollo.stop(),
  });
  return { ...app, apollo };
}
