import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import {
  createHttpApp,
  isDependencyUnavailable,
  readCostDirectives,
  readGraphQLBody,
  requestScope,
  sendGraphQLError,
  toHeaderMap,
  writeGraphQLResponse,
  type HttpApp,
  type Logger,
  type PartnerKey,
  type PlatformMetrics,
  type ServiceName,
} from '@instainstru/platform';
import { GraphQLError, parse, type GraphQLFormattedError } from 'graphql';
import type { Redis } from 'ioredis';
import { AuthenticationError, type CallerResolver } from './auth/jwt-verifier';
import type { GatewayRequestContext } from './gateway-context';
import { DEFAULT_COST_LIMITS, useOperationCost, type CostLimits, type RateLimitPolicy } from './plugins/useOperationCost';
import { createExplorer } from './explorer/explorer';
import { pageSizeRuleForMutations } from './plugins/usePageSizeRule';
import { usePublicCache } from './plugins/usePublicCache';
import { partnerScopesCheck } from './plugins/usePartnerScopes';
import { OperationManifest, type ArbitraryOperations } from './trusted-documents/operation-manifest';
import { trustedDocument } from './trusted-documents/trusted-document';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './plugins/useQueryLimits';
import { CostBuckets, type BucketPlan } from './rate-limits/cost-buckets';
import { DEFAULT_SUBGRAPH_TIMEOUT_MS, SignedSubgraphDataSource, SubgraphCallError } from './signed-data-source';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls?: Partial<Record<ServiceName, string>>;
  resolveCaller: CallerResolver;
  signingSecret: string;
  logger: Logger;
  metrics: PlatformMetrics;
  limits?: QueryLimits;
  /** Operation cost budget (see useOperationCost); defaults to DEFAULT_COST_LIMITS. */
  cost?: CostLimits;
  /** Cost-based rate limits shared through Redis; absent, nobody is rate limited. */
  rateLimits?: RateLimitOptions;
  /** How long a subgraph may take to answer one fetch. */
  subgraphTimeoutMs?: number;
  /** Whether the client address comes from the first X-Forwarded-For hop (behind a trusted proxy). */
  trustProxy?: boolean;
  /** Partner API keys (the `x-api-key` header); absent, a request with a key is refused. */
  partnerKeys?: { lookup(secret: string): Promise<PartnerKey | null> };
  /** The trusted documents; the committed schemas/operations/manifest.json unless given. */
  manifest?: OperationManifest;
  /**
   * Who may run documents outside the manifest (never partner keys): `all` (or true), signed-in
   * users only (`signed-in`), or nobody (`none`, or false). `all` outside production unless given.
   */
  allowArbitraryOperations?: ArbitraryOperations | boolean;
  /** Whether identical subgraph queries in flight for the same caller are sent once (default true). */
  shareInFlight?: boolean;
  /** Answers kept for anonymous public queries (see usePublicCache); 0 turns the cache off. Default 1000. */
  publicCacheEntries?: number;
  /** Production: no introspection, no field suggestions, no subgraph names in errors. */
  production?: boolean;
}

/** The committed trusted documents. */
export const DEFAULT_MANIFEST_PATH = resolve(__dirname, '../../schemas/operations/manifest.json');

/** The header partners send their API key in. */
export const API_KEY_HEADER = 'x-api-key';


export interface RateLimitOptions {
  redis: Redis;
  /** Namespaces the buckets (environments or test runs sharing one Redis). */
  keyPrefix: string;
  anonymous: BucketPlan;
  user: BucketPlan;
  /** The buckets' clock (tests drive it). */
  now?: () => number;
}

export interface GatewayServer extends HttpApp {
  apollo: ApolloServer<GatewayRequestContext>;
}

/**
 * Errors that reach the caller: subgraph errors arrive already sanitised with their codes; a
 * subgraph that is down or too slow is SERVICE_UNAVAILABLE (naming the service, nothing more);
 * the gateway's own unexpected failures are reduced to an opaque INTERNAL_SERVER_ERROR.
 */
function formatGatewayError(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      const { stacktrace: _stacktrace, exception: _exception, serviceName, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions: production || serviceName === undefined ? extensions : { ...extensions, serviceName } };
    }
    let original = unwrapResolverError(error);
    while (original instanceof GraphQLError && original.originalError) original = original.originalError;
    const path = formatted.path ? { path: formatted.path } : {};
    if (original instanceof SubgraphCallError ? original.unavailable : isDependencyUnavailable(original)) {
      const service = original instanceof SubgraphCallError ? original.subgraph : undefined;
      logger.warn({ err: original, service }, 'a subgraph is unavailable');
      return {
        message: `The ${service ?? 'requested'} service is unavailable; retry shortly`,
        ...path,
        extensions: { code: 'SERVICE_UNAVAILABLE', ...(service ? { service } : {}) },
      };
    }
    logger.error({ error: formatted }, 'gateway error');
    return { message: 'Internal server error', ...path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}


/** The client's address: the socket's, or behind a trusted proxy the first X-Forwarded-For hop. */
function clientAddressOf(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return first || req.socket.remoteAddress || 'unknown';
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
      return new SignedSubgraphDataSource(name, resolved, options.signingSecret, options.subgraphTimeoutMs ?? DEFAULT_SUBGRAPH_TIMEOUT_MS, options.shareInFlight ?? true);
    },
    logger: options.logger,
  });
  const rateLimits = options.rateLimits;
  const rateLimit: RateLimitPolicy | undefined = rateLimits && {
    buckets: new CostBuckets(rateLimits.redis, rateLimits.keyPrefix, rateLimits.now),
    bucketOf: (context) =>
      context.partner
        ? { key: `partner:${context.partner.id}`, plan: context.partner.plan }
        : context.caller.userId
          ? { key: `user:${context.caller.userId}`, plan: rateLimits.user }
          : { key: `address:${context.clientAddress}`, plan: rateLimits.anonymous },
  };
  const cost = options.cost ?? DEFAULT_COST_LIMITS;
  const production = options.production ?? false;
  const costDirectives = readCostDirectives(parse(options.supergraphSdl));
  /** GraphiQL for a browser opening /graphql; never in production. */
  const explorer = production ? undefined : createExplorer({ graphqlPath: '/graphql' });
  const manifest = options.manifest ?? OperationManifest.fromFile(DEFAULT_MANIFEST_PATH);
  const arbitrary = options.allowArbitraryOperations ?? !production;
  const arbitraryFor = arbitrary === true ? 'all' : arbitrary === false ? 'none' : arbitrary;
  const publicCacheEntries = options.publicCacheEntries ?? 1000;
  const apollo = new ApolloServer<GatewayRequestContext>({
    gateway,
    formatError: formatGatewayError(options.logger, production),
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    // The service lifecycle drains on SIGTERM itself; Apollo must not stop the server first.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    logger: options.logger,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      useOperationCost({
        directives: costDirectives,
        maxCost: cost.maxCost,
        defaultListSize: cost.defaultListSize,
        analysis: cost.analysis ?? true,
        limits: options.limits ?? DEFAULT_QUERY_LIMITS,
        checks: [partnerScopesCheck(), pageSizeRuleForMutations(costDirectives)],
        onBucketsUnavailable: (error) => options.logger.warn({ err: error }, 'rate-limit buckets unavailable: operation not throttled'),
        ...(rateLimit ? { rateLimit } : {}),
      }),
      ...(publicCacheEntries > 0 ? [usePublicCache({ maxEntries: publicCacheEntries })] : []),
    ],
  });
  await apollo.start();

  async function graphql(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    if (explorer?.wantsExplorer(req)) return explorer.serve(req, res);
    let caller;
    try {
      caller = await options.resolveCaller(req.headers.authorization, requestId);
    } catch (error) {
      if (error instanceof AuthenticationError) return sendGraphQLError(res, 401, 'UNAUTHENTICATED', error.message);
      throw error;
    }
    let partner: PartnerKey | undefined;
    const apiKey = req.headers[API_KEY_HEADER];
    if (apiKey !== undefined) {
      let found: PartnerKey | null;
      try {
        found = typeof apiKey === 'string' && options.partnerKeys ? await options.partnerKeys.lookup(apiKey) : null;
      } catch (error) {
        options.logger.warn({ err: error }, 'partner keys unavailable');
        return sendGraphQLError(res, 503, 'SERVICE_UNAVAILABLE', 'API keys cannot be checked right now; retry shortly');
      }
      if (!found) return sendGraphQLError(res, 401, 'UNAUTHENTICATED', 'The API key is not valid (unknown or revoked)');
      partner = found;
      caller = { ...caller, partnerId: found.id, scopes: found.scopes };
    }
    const parsed = await readGraphQLBody(req, res);
    if (!parsed) return;
    const url = new URL(req.url ?? '/', 'http://gateway');
    const allowArbitrary = arbitraryFor === 'all' || (arbitraryFor === 'signed-in' && caller.userId !== null);
    const trusted = trustedDocument(manifest, parsed.body, url, { idsOnly: partner !== undefined, allowArbitrary });
    if (trusted.refused) return sendGraphQLError(res, 400, trusted.refused.code, trusted.refused.message);
    const context: GatewayRequestContext = { caller, clientAddress: clientAddressOf(req, options.trustProxy ?? false), ...(partner ? { partner } : {}) };
    const result = await requestScope.run({ requestId, caller }, () =>
      apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? 'POST', headers: toHeaderMap(req), search: trusted.search, body: trusted.body },
        context: async () => context,
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
    ...(explorer ? { routes: explorer.routes } : {}),
    afterDrain: () => apollo.stop(),
  });
  return { ...app, apollo };
}
