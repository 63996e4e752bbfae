import type { ServiceDeps, Worker } from '@instainstru/platform';
import type { SlotHolds } from '../domain/slot-holds.service';

/** Deletes expired unconfirmed holds every `intervalMs`; a sweep in flight finishes before stop resolves. */
export function holdExpiryWorker(deps: ServiceDeps, holds: SlotHolds, intervalMs: number): Worker {
  const logger = deps.logger.child({ component: 'hold-expiry' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const sweep = () => {
    running = holds
      .sweepExpired()
      .then((n) => void (n > 0 && logger.info({ released: n }, 'expired holds released')))
      .catch((err: unknown) => logger.error({ err }, 'expired hold sweep failed'));
  };
  return {
    name: 'hold-expiry',
    async start() {
      sweep();
      timer = setInterval(sweep, intervalMs);
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
