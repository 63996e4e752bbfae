/** Running what `npm start` runs as workers, in the test's process. */
import { OutboxRelay, type ServiceName, type Worker } from '@instainstru/platform';
import type { TestStack } from './gateway-stack';

export interface RunningWorkers {
  stop(): Promise<void>;
}

/** Starts the workers in order; `stop` stops them in reverse order, each finishing its unit of work. */
export async function startWorkers(workers: (Worker | null)[]): Promise<RunningWorkers> {
  const started: Worker[] = [];
  for (const worker of workers) {
    if (!worker) continue;
    await worker.start();
    started.push(worker);
  }
  return {
    async stop() {
      for (const worker of [...started].reverse()) await worker.stop();
    },
  };
}

/** The outbox relay of a service of the stack (null when the stack does not run it), polling every 100 ms. */
export function outboxRelayWorker(stack: TestStack, service: ServiceName): Worker | null {
  const deps = stack.deps[service];
  if (!deps) return null;
  const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger: deps.logger, schema: service, pollMs: 100 });
  return { name: `${service}-outbox-relay`, start: () => relay.start(), stop: () => relay.stop() };
}
