import { periodicJob, type ServiceDeps, type Worker } from '@instainstru/platform';
import type { SlotHolds } from '../domain/slot-holds.service';

/** Deletes expired unconfirmed holds every `intervalMs`; a sweep in flight finishes before stop resolves. */
export function holdExpiryWorker(deps: ServiceDeps, holds: SlotHolds, intervalMs: number): Worker {
  const logger = deps.logger.child({ component: 'hold-expiry' });
  return periodicJob('hold-expiry', intervalMs, logger, async () => {
    const released = await holds.sweepExpired();
    if (released > 0) logger.info({ released }, 'expired holds released');
    return released;
  });
}
