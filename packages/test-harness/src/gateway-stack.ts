import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { Redis } from 'ioredis';
import {
  closeServiceDeps,
  createLogger,
  loadServiceConfig,
  PartnerKeyReader,
  PlatformMetrics,
  SERVICE_NAMES,
  type ServiceDeps,
  type ServiceName,
  type SubgraphServer,
} from '@instainstru/platform';
import { mintDevToken } from '@instainstru/gateway/src/auth/dev-key';
import { createCallerResolver } from '@instainstru/gateway/src/auth/jwt-verifier';
import { buildGateway, type GatewayOptions, type GatewayServer } from '@instainstru/gateway/src/server';
import { createTestDatabase, type TestDatabase } from './databases';
import type { GraphQLRequestOptions, GraphQLResult } from './graphql';
import { uniqueTopicPrefix } from './kafka';
import { testServiceDeps } from './service-deps';

/**
 * The real gateway over the committed supergraph and the subgraphs a test file asks for, in
 * process. The harness never imports a service: each subgraph comes as a builder from the test.
 */

export interface StackPeers {
  /** The base URL (no path) of a subgraph started before this one (SERVICE_NAMES order). */
  baseUrlOf(name: ServiceName): string;
}

const NEEDS_PEERS = Symbol('needs peers');
type PeerAwareBuilder = { [NEEDS_PEERS]: (deps: ServiceDeps, peers: StackPeers) => Promise<SubgraphServer> };

/** Builds one subgraph from its deps, or (through `withPeers`) also from the subgraphs started before it. */
export type SubgraphBuilder = ((deps: ServiceDeps) => Promise<SubgraphServer>) | PeerAwareBuilder;

/** A builder that calls other subgraphs, e.g. booking calling availability. */
export const withPeers = (build: (deps: ServiceDeps, peers: StackPeers) => Promise<SubgraphServer>): SubgraphBuilder => ({ [NEEDS_PEERS]: build });

export interface TestStack {
  db: TestDatabase;
  deps: Partial<Record<ServiceName, ServiceDeps>>;
  gatewayUrl: string;
  subgraphUrls: Partial<Record<ServiceName, string>>;
  signingSecret: string;
  /** The Redis the gateway keeps its rate-limit buckets in. */
  redis: Redis;
  /** A token the stack's gateway accepts. */
  token(claims: { sub: string; roles: string[]; name?: string; ttlSeconds?: number }): Promise<string>;
  graphql(query: string, options?: GraphQLRequestOptions): Promise<GraphQLResult>;
  /** GraphQL requests a subgraph of the stack has served so far (from its own request metrics). */
  subgraphRequests(name: ServiceName): Promise<number>;
  /** Another gateway (a replica) over the same subgraphs, sharing only Redis with the first. */
  startGateway(options?: StackGatewayOptions): Promise<{ url: string; graphql(query: string, options?: GraphQLRequestOptions): Promise<GraphQLResult> }>;
  stop(): Promise<void>;
}

const SUPERGRAPH = join(__dirname, '../../../schemas/supergraph.graphql');
const ISSUER = 'https://auth.instainstru.test';
const AUDIENCE = 'instainstru-api';
/** Where subgraphs not started by a test point: nothing listens there. */
const UNUSED_SUBGRAPH = 'http://127.0.0.1:9/graphql';

const portOf = (address: AddressInfo | string | null) => (address as AddressInfo).port;

/** Gateway settings a test may change; rate limits default to buckets no test empties by accident. */
export type StackGatewayOptions = Partial<Omit<GatewayOptions, 'supergraphSdl' | 'resolveCaller' | 'signingSecret' | 'logger' | 'metrics' | 'rateLimits'>> & {
  rateLimits?: Partial<NonNullable<GatewayOptions['rateLimits']>>;
  /** Longest token lifetime the gateway accepts (unlimited unless given). */
  maxTokenLifetimeSeconds?: number;
};

/**
 * The real gateway over the committed supergraph and the given real subgraphs, each on its own
 * private database (cloned from the migrated template) and Kafka topic prefix, on ephemeral ports.
 */
export async function startStack(builders: Partial<Record<ServiceName, SubgraphBuilder>>, gatewayOptions: StackGatewayOptions = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const topicPrefix = uniqueTopicPrefix();
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-1' };
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'EdDSA' };

  const deps: Partial<Record<ServiceName, ServiceDeps>> = {};
  const servers: SubgraphServer[] = [];
  const subgraphUrls: Partial<Record<ServiceName, string>> = {};
  for (const name of SERVICE_NAMES) {
    const build = builders[name];
    if (!build) {
      subgraphUrls[name] = UNUSED_SUBGRAPH;
      continue;
    }
    const serviceDeps = await testServiceDeps(db, name, { topicPrefix });
    deps[name] = serviceDeps;
    const peers: StackPeers = {
      baseUrlOf: (peer) => {
        const url = subgraphUrls[peer];
        if (!url || url === UNUSED_SUBGRAPH) throw new Error(`${peer} must be started (and before ${name}) in this stack`);
        return url.replace(/\/graphql$/, '');
      },
    };
    const server = typeof build === 'function' ? await build(serviceDeps) : await build[NEEDS_PEERS](serviceDeps, peers);
    servers.push(server);
    const http = await server.listen(0, '127.0.0.1');
    subgraphUrls[name] = `http://127.0.0.1:${portOf(http.address())}/graphql`;
  }
  const signingSecret = Object.values(deps)[0]?.config.signingSecret ?? loadServiceConfig('catalog').signingSecret;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const gateways: { gateway: GatewayServer; partnerKeys: PartnerKeyReader }[] = [];
  /** A gateway over this stack's subgraphs, sharing only Redis (rate-limit buckets, partner keys) with the others. */
  const startGateway = async (options: StackGatewayOptions): Promise<string> => {
    const { rateLimits, maxTokenLifetimeSeconds, subgraphUrls: overrides, ...gatewayRest } = options;
    const partnerKeys = new PartnerKeyReader(redis);
    await partnerKeys.start();
    const gateway = await buildGateway({
      allowArbitraryOperations: true,
      // Tests read their own writes; a test of the public cache turns it on.
      publicCacheEntries: 0,
      partnerKeys,
      ...gatewayRest,
      rateLimits: {
        redis,
        keyPrefix: `${topicPrefix}rate:`,
        anonymous: { bucketSize: 1_000_000, restoreRatePerSecond: 100_000 },
        user: { bucketSize: 1_000_000, restoreRatePerSecond: 100_000 },
        ...rateLimits,
      },
      supergraphSdl: readFileSync(SUPERGRAPH, 'utf8'),
      subgraphUrls: { ...subgraphUrls, ...overrides },
      resolveCaller: createCallerResolver({ issuer: ISSUER, audience: AUDIENCE, publicJwks: [publicJwk], ...(maxTokenLifetimeSeconds ? { maxLifetimeSeconds: maxTokenLifetimeSeconds } : {}) }),
      signingSecret,
      logger: createLogger('gateway', process.env.TEST_LOG_LEVEL ?? 'silent'),
      metrics: new PlatformMetrics('gateway'),
    });
    gateways.push({ gateway, partnerKeys });
    const http = await gateway.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${portOf(http.address())}/graphql`;
  };
  const gatewayUrl = await startGateway(gatewayOptions);
  const post = async (url: string, query: string, options: GraphQLRequestOptions = {}): Promise<GraphQLResult> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables: options.variables }),
    });
    return { status: response.status, body: (await response.json()) as GraphQLResult['body'] };
  };

  return {
    db,
    deps,
    gatewayUrl,
    subgraphUrls,
    signingSecret,
    token: (claims) => mintDevToken(privateJwk, { ...claims, issuer: ISSUER, audience: AUDIENCE }),
    graphql: (query, options) => post(gatewayUrl, query, options),
    async subgraphRequests(name) {
      const metric = await deps[name]!.metrics.registry.getSingleMetric('http_requests_total')!.get();
      return metric.values.filter((v) => v.labels.route === '/graphql').reduce((sum, v) => sum + v.value, 0);
    },
    redis,
    async startGateway(options = {}) {
      const url = await startGateway(options);
      return { url, graphql: (query, requestOptions) => post(url, query, requestOptions) };
    },
    async stop() {
      for (const { gateway, partnerKeys } of gateways) {
        await gateway.drain();
        await partnerKeys.close();
      }
      redis.disconnect();
      for (const server of servers) await server.drain();
      for (const d of Object.values(deps)) await closeServiceDeps(d);
      await db.drop();
    },
  };
}
