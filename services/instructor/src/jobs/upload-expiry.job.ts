import { periodicJob, type Logger, type Worker } from '@instainstru/platform';
import type { InstructorDomainDeps } from '../domain/instructor.ports';
import { forgetExpiredUploads } from '../domain/stored-uploads.service';

/** Deletes uploads never confirmed within their window (and forgets every upload past its window). */
export function uploadExpiryJob(domain: InstructorDomainDeps, intervalMs: number, logger: Logger): Worker {
  return periodicJob('upload-expiry', intervalMs, logger, () => forgetExpiredUploads(domain));
}
