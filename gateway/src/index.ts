import { Redis } from 'ioredis';
import { createLogger, initTracing, PartnerKeyReader, PlatformMetrics } from '@instainstru/platform';
import { loadOrCreateDevKey } from './auth/dev-key';
import { createCallerResolver } from './auth/jwt-verifier';
import { loadGatewayConfig } from './config';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  initTracing('gateway');
  const logger = createLogger('gateway', config.logLevel);
  // Redis holds the rate-limit buckets and the partner keys' projection; a slow Redis must not stall requests.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, commandTimeout: 500 });
  const partnerKeys = new PartnerKeyReader(redis, { cacheTtlMs: config.partnerKeyCacheMs });
  await partnerKeys.start();
  const publicJwks = config.jwt.jwksUrl ? [] : [(await loadOrCreateDevKey()).publicJwk];
  const gateway = await buildGateway({
    supergraphSdl: config.supergraphSdl,
    subgraphUrls: config.subgraphUrls,
    resolveCaller: createCallerResolver({ ...config.jwt, publicJwks }),
    signingSecret: config.signingSecret,
    logger,
    metrics: new PlatformMetrics('gateway'),
    limits: config.limits,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    trustProxy: config.trustProxy,
    partnerKeys,
    manifest: config.manifest,
    allowArbitraryOperations: config.allowArbitraryOperations,
    production: config.production,
    publicCacheEntries: config.publicCacheEntries,
    shareInFlight: config.shareInFlight,
    cost: { ...config.cost, analysis: config.costAnalysis },
    ...(config.rateLimits.enabled ? { rateLimits: { redis, ...config.rateLimits } } : {}),
  });
  await gateway.listen(config.port);
  logger.info({ port: config.port }, `gateway ready at http://localhost:${config.port}/graphql`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'draining before exit');
    setTimeout(() => process.exit(1), config.shutdownGraceMs).unref();
    await gateway.drain();
    await partnerKeys.close();
    redis.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
