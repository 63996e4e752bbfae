import { SNIFF_BYTES, sniffFileType, type SniffedFileType } from './file-types';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { DocumentStorage, InstructorDomainDeps, PresignedPut } from './instructor.ports';
import { checkUploadRequest, newUploadKey, UPLOAD_POLICIES, UPLOAD_URL_TTL_SECONDS, judgeStoredUpload, type UploadPurpose } from './uploads';

export interface PresignedUploadGrant {
  uploadKey: string;
  uploadUrl: string;
  method: 'PUT';
  headers: { name: string; value: string }[];
  expiresAt: string;
  maxBytes: number;
}

export interface AcceptedUpload {
  key: string;
  contentType: SniffedFileType;
  byteSize: number;
}

/** Signs a PUT into the instructor's own prefix after checking what the client says it will send. */
export async function grantUpload(
  storage: DocumentStorage,
  instructorId: string,
  purpose: UploadPurpose,
  file: { contentType: string; byteSize: number },
): Promise<PresignedUploadGrant> {
  checkUploadRequest(purpose, file.contentType, file.byteSize);
  const key = newUploadKey(instructorId, purpose);
  const put: PresignedPut = await storage.presignPut({ key, contentType: file.contentType, byteSize: file.byteSize, expiresInSeconds: UPLOAD_URL_TTL_SECONDS });
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
 * Checks what was really stored: that it exists, its size, and its first bytes (a range read, never
 * the whole file). Anything unacceptable is deleted before the error is thrown.
 */
export async function acceptStoredUpload(storage: DocumentStorage, purpose: UploadPurpose, key: string): Promise<AcceptedUpload> {
  const byteSize = await storage.sizeOf(key);
  if (byteSize === null || byteSize === 0) {
    if (byteSize === 0) await storage.delete(key);
    throw new InstructorError(InstructorErrorCode.UploadNotFound, 'Nothing was uploaded with this key (or the file is empty); upload the file first', { uploadKey: key });
  }
  const sniffed = byteSize > UPLOAD_POLICIES[purpose].maxBytes ? null : sniffFileType(await storage.readFirstBytes(key, SNIFF_BYTES));
  const refusal = judgeStoredUpload(purpose, byteSize, sniffed);
  if (refusal || !sniffed) {
    await storage.delete(key);
    throw refusal ?? new InstructorError(InstructorErrorCode.UnsupportedFileType, 'The uploaded file type is not accepted');
  }
  return { key, contentType: sniffed, byteSize };
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
