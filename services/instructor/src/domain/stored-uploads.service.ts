import { SNIFF_BYTES, sniffFileType, type SniffedFileType } from './file-types.rules';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { DocumentStorage, InstructorDomainDeps, InstructorUnitOfWork } from './instructor.ports';
import {
  checkUploadRequest,
  confirmationStanding,
  judgeStoredUpload,
  newKeptKey,
  newUploadKey,
  UPLOAD_POLICIES,
  uploadNotFound,
  uploadUrlSeconds,
  type UploadPurpose,
} from './uploads.rules';

export interface PresignedUploadGrant {
  uploadKey: string;
  uploadUrl: string;
  method: 'PUT';
  headers: { name: string; value: string }[];
  expiresAt: string;
  maxBytes: number;
}

/** A confirmed upload's own copy: what the profile records and serves. */
export interface AcceptedUpload {
  key: string;
  /** What the content is, by its first bytes (the copy is stored with this type). */
  contentType: SniffedFileType;
  byteSize: number;
}

type UploadDeps = Pick<InstructorDomainDeps, 'repository' | 'storage' | 'warn' | 'now' | 'uploadTtlMs' | 'uploadsPerHour'>;

const HOUR_MS = 3_600_000;

/**
 * Signs a PUT into the instructor's own prefix after checking what the client says it will send,
 * and remembers the upload until its window has passed (the URL never outlives the window). At most
 * `uploadsPerHour` requests per instructor and clock hour: one more is RATE_LIMITED, nothing issued.
 */
export async function grantUpload(
  deps: UploadDeps,
  instructorId: string,
  purpose: UploadPurpose,
  file: { contentType: string; byteSize: number },
): Promise<PresignedUploadGrant> {
  checkUploadRequest(purpose, file.contentType, file.byteSize);
  const key = newUploadKey(instructorId, purpose);
  const requestedAt = deps.now();
  const put = await deps.storage.presignPut({ key, contentType: file.contentType, byteSize: file.byteSize, expiresInSeconds: uploadUrlSeconds(deps.uploadTtlMs) });
  const expiresAt = new Date(Math.max(requestedAt.getTime() + deps.uploadTtlMs, put.expiresAt.getTime()));
  const windowStart = new Date(Math.floor(requestedAt.getTime() / HOUR_MS) * HOUR_MS);
  await deps.repository.transaction(async (uow) => {
    if (!(await uow.takeUploadRequest(instructorId, windowStart, deps.uploadsPerHour))) {
      const windowEndsAt = new Date(windowStart.getTime() + HOUR_MS);
      throw new InstructorError(InstructorErrorCode.UploadLimitReached, `At most ${deps.uploadsPerHour} upload requests an hour; the next can be made at ${windowEndsAt.toISOString()}`, {
        limit: deps.uploadsPerHour,
        retryAfter: Math.ceil((windowEndsAt.getTime() - requestedAt.getTime()) / 1000),
        windowEndsAt: windowEndsAt.toISOString(),
      });
    }
    await uow.recordIssuedUpload({ key, instructorId, purpose, requestedAt, expiresAt, keptKey: null });
  });
  return {
    uploadKey: key,
    uploadUrl: put.url,
    method: 'PUT',
    headers: Object.entries(put.headers).map(([name, value]) => ({ name, value })),
    expiresAt: put.expiresAt.toISOString(),
    maxBytes: UPLOAD_POLICIES[purpose].maxBytes,
  };
}

/**
 * Before any copying: whether this upload can still be confirmed ('pending'), or was confirmed
 * already and is what the profile holds (`currentKey`), so a retry just answers the profile.
 */
export async function checkIssuedUpload(deps: Pick<InstructorDomainDeps, 'repository' | 'now'>, key: string, currentKey: string | null) {
  return confirmationStanding(key, await deps.repository.findIssuedUpload(key), currentKey, deps.now());
}

/** The same decision inside the transaction that records the copy, on the locked upload. */
export async function lockIssuedUpload(uow: InstructorUnitOfWork, key: string, currentKey: string | null, now: Date) {
  return confirmationStanding(key, await uow.lockIssuedUpload(key), currentKey, now);
}

/**
 * Checks what the client stored (existence, size, first bytes; a range read, never the whole file),
 * then copies it to a key of its own, typed by its content, and checks the copy again: the upload
 * may have been rewritten through its URL in the meantime, and what is kept must be what was checked.
 * Anything unacceptable is deleted (the upload and the copy) before the error is thrown.
 */
export async function acceptStoredUpload(
  deps: Pick<InstructorDomainDeps, 'storage' | 'warn'>,
  instructorId: string,
  purpose: UploadPurpose,
  uploadKey: string,
): Promise<AcceptedUpload> {
  const { storage } = deps;
  const checked = await judgeObject(storage, purpose, uploadKey);
  const kept = newKeptKey(instructorId, purpose);
  if (!(await storage.copy({ from: uploadKey, to: kept, contentType: checked.contentType }))) throw uploadNotFound(uploadKey);
  try {
    const copy = await judgeObject(storage, purpose, kept);
    if (copy.contentType !== checked.contentType) {
      throw new InstructorError(InstructorErrorCode.UnsupportedFileType, 'The uploaded file changed while it was being checked; upload it again');
    }
    return { key: kept, contentType: copy.contentType, byteSize: copy.byteSize };
  } catch (error) {
    await discardQuietly(deps, kept);
    await discardQuietly(deps, uploadKey);
    throw error;
  }
}

/** The size and content type of a stored object, or the refusal (after deleting the object). */
async function judgeObject(storage: DocumentStorage, purpose: UploadPurpose, key: string): Promise<{ contentType: SniffedFileType; byteSize: number }> {
  const byteSize = await storage.sizeOf(key);
  if (byteSize === null || byteSize === 0) {
    if (byteSize === 0) await storage.delete(key);
    throw uploadNotFound(key);
  }
  const sniffed = byteSize > UPLOAD_POLICIES[purpose].maxBytes ? null : sniffFileType(await storage.readFirstBytes(key, SNIFF_BYTES));
  const refusal = judgeStoredUpload(purpose, byteSize, sniffed);
  if (refusal || !sniffed) {
    await storage.delete(key);
    throw refusal ?? new InstructorError(InstructorErrorCode.UnsupportedFileType, 'The uploaded file type is not accepted');
  }
  return { contentType: sniffed, byteSize };
}

/** What the transaction of a confirmation did: whether it recorded the copy, and what the copy replaced. */
export interface ConfirmationOutcome<T> {
  result: T;
  kept: boolean;
  replaced: string | null;
}

/**
 * Runs the transaction that records an accepted copy, then tidies up storage: the upload object
 * always goes (the copy is what is kept), the replaced object when there is one, and the copy itself
 * when the transaction refused it or found the upload confirmed already.
 */
export async function keepAcceptedUpload<T>(
  deps: UploadDeps,
  uploadKey: string,
  accepted: AcceptedUpload,
  record: (uow: InstructorUnitOfWork) => Promise<ConfirmationOutcome<T>>,
): Promise<T> {
  let outcome: ConfirmationOutcome<T>;
  try {
    outcome = await deps.repository.transaction(record);
  } catch (error) {
    // A refusal rolled the transaction back; after any other failure the commit may have happened.
    if (error instanceof InstructorError) {
      await discardQuietly(deps, accepted.key);
      await discardQuietly(deps, uploadKey);
    }
    throw error;
  }
  await discardQuietly(deps, uploadKey);
  await discardQuietly(deps, outcome.kept ? outcome.replaced : accepted.key);
  return outcome.result;
}

const EXPIRY_BATCH = 100;

/**
 * Deletes whatever landed under uploads whose window has passed, then forgets them. Their URLs have
 * expired with the window, so nothing lands there again; the copies confirmations kept are other
 * keys and stay. A storage failure leaves the uploads remembered for the next sweep.
 */
export async function forgetExpiredUploads(deps: Pick<InstructorDomainDeps, 'repository' | 'storage' | 'now'>): Promise<number> {
  // Upload-request windows only matter within their hour: once a sweep, whatever else it finds.
  await deps.repository.transaction((uow) => uow.forgetUploadRequestWindows(new Date(deps.now().getTime() - 2 * HOUR_MS)));
  let forgotten = 0;
  for (;;) {
    const now = deps.now();
    const expired = await deps.repository.expiredUploads(now, EXPIRY_BATCH);
    if (expired.length === 0) return forgotten;
    for (const upload of expired) await deps.storage.delete(upload.key);
    const batch = await deps.repository.transaction((uow) => uow.forgetExpiredUploads(expired.map((u) => u.key), now));
    forgotten += batch;
    // Another sweeper may have taken this batch; either way the next run picks up any rest.
    if (expired.length < EXPIRY_BATCH || batch === 0) return forgotten;
  }
}

/** Removes an object that is no longer referenced; a failure is logged, never thrown. */
export async function discardQuietly(deps: Pick<InstructorDomainDeps, 'storage' | 'warn'>, key: string | null | undefined): Promise<void> {
  if (!key) return;
  try {
    await deps.storage.delete(key);
  } catch (err) {
    deps.warn('could not delete an object that is no longer used', { key, err });
  }
}
