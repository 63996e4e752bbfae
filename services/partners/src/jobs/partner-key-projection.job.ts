import { periodicJob, type Logger, type Worker } from '@instainstru/platform';
import type { PartnerApiKeys } from '../domain/partner-api-keys.service';

/** Rebuilds the gateways' key projection at start and every `intervalMs`, so a lost write or a flushed Redis heals. */
export function partnerKeyProjectionJob(keys: PartnerApiKeys, intervalMs: number, logger: Logger): Worker {
  return periodicJob('partner-key-projection', intervalMs, logger, () => keys.reprojectAll());
}
