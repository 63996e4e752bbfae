import { createLogger, initTracing, PlatformMetrics } from '@instainstru/platform';
import { loadOrCreateDevKey } from './auth/dev-key';
import { createCallerResolver } from './auth/jwt-verifier';
import { loadGatewayConfig } from './config';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  initTracing('gateway');
  const logger = createLogger('gateway', config.logLevel);
  const publicJwks = config.jwt.jwksUrl ? [] : [(await loadOrCreateDevKey()).publicJwk];
  const gateway = await buildGateway({
    supergraphSdl: config.supergraphSdl,
    subgraphUrls: config.subgraphUrls,
    resolveCaller: createCallerResolver({ ...config.jwt, publicJwks }),
    signingSecret: config.signingSecret,
    logger,
    metrics: new PlatformMetrics('gateway'),
    limits: config.limits,
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
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
