import type { Logger } from './logger';
import type { Worker } from './worker';

/**
 * A worker that runs one use case every `intervalMs` (the first run right away), one run at a
 * time; a failing run is logged and the next one happens on schedule. `stop` waits for the run in
 * flight.
 */
export function periodicJob(name: string, intervalMs: number, logger: Logger, run: () => Promise<unknown>): Worker {
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let running = false;
  const tick = () => {
    inFlight = run()
      .then((outcome) => logger.debug({ job: name, outcome }, 'job ran'))
      .catch((err: unknown) => logger.error({ err, job: name }, 'job failed; will run again'))
      .finally(() => {
        if (running) timer = setTimeout(tick, intervalMs);
      });
  };
  return {
    name,
    async start() {
      running = true;
      tick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      await inFlight;
      if (timer) clearTimeout(timer);
    },
  };
}
