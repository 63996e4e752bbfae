import { outboxRelayWorker, outboxRetentionWorker } from '../events/event-workers';
import type { SubgraphServer } from '../http/subgraph-server';
import { loadServiceConfig } from './config';
import { closeServiceDeps, createServiceDeps, type ServiceDeps } from './service-deps';
import type { ServiceDefinition } from './service-module';
import { shutdownTracing } from './tracing';
import type { Worker } from './worker';

export interface RunServiceOptions {
  deps: ServiceDeps;
  /** Builds the subgraph (role `api`). */
  api(): Promise<SubgraphServer>;
  /** The background workers (role `worker`); the outbox relay and its retention sweep are always among them. */
  workers(): Worker[];
}

/**
 * A service's whole `index.ts`: reads its configuration, connects its deps, builds its module and
 * runs it (see `startService`); a failure to start is printed and exits the process.
 */
export function runService(definition: ServiceDefinition): void {
  const start = async () => {
    const deps = await createServiceDeps(loadServiceConfig(definition.service), definition.migrations);
    const module = await definition.createModule(deps);
    await startService({ deps, api: () => module.subgraph(), workers: () => module.workers() });
  };
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

/**
 * Starts the service in the configured role (`api`, `worker` or `all`) and shuts it down on
 * SIGTERM/SIGINT: stop accepting requests and drain those in flight, let workers finish their
 * current message or batch, then close connections. A second signal or the grace period forces exit.
 */
export async function startService(options: RunServiceOptions): Promise<void> {
  const { deps } = options;
  const { config, logger } = deps;
  const runApi = config.role === 'api' || config.role === 'all';
  const runWorker = config.role === 'worker' || config.role === 'all';

  const server = runApi ? await options.api() : undefined;
  const workers = runWorker ? [outboxRelayWorker(deps), outboxRetentionWorker(deps), ...options.workers()] : [];
  for (const worker of workers) await worker.start();
  if (server) await server.listen(config.port);
  logger.info({ role: config.role, port: runApi ? config.port : undefined, workers: workers.map((w) => w.name) }, `${config.service} started`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'draining before exit');
    const force = setTimeout(() => {
      logger.error('drain exceeded the grace period; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    force.unref();
    try {
      await server?.drain();
      await Promise.all(workers.map((w) => w.stop()));
      await closeServiceDeps(deps);
      await shutdownTracing();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error while draining');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
