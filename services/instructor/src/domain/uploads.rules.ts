import { randomUUID } from 'node:crypto';
import { isUuid } from '@instainstru/platform';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { SniffedFileType } from './file-types.rules';

export type UploadPurpose = 'profile-photo' | 'background-check';

export interface UploadPolicy {
  /** Folder under the instructor's prefix. */
  folder: string;
  allowedTypes: readonly SniffedFileType[];
  maxBytes: number;
  /** For messages. */
  label: string;
}

const MiB = 1024 * 1024;

export const UPLOAD_POLICIES: Record<UploadPurpose, UploadPolicy> = {
  'profile-photo': { folder: 'photos', allowedTypes: ['image/jpeg', 'image/png', 'image/webp'], maxBytes: 5 * MiB, label: 'a JPEG, PNG or WebP image' },
  'background-check': { folder: 'background-checks', allowedTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 10 * MiB, label: 'a PDF, JPEG or PNG file' },
};

/** How long a presigned upload URL works at most (never longer than the upload's window). */
export const UPLOAD_URL_TTL_SECONDS = 10 * 60;

/** An upload URL's life in seconds: ten minutes, or the whole window when that is shorter. */
export function uploadUrlSeconds(uploadTtlMs: number): number {
  return Math.max(1, Math.min(UPLOAD_URL_TTL_SECONDS, Math.floor(uploadTtlMs / 1000)));
}

/**
 * An upload URL handed to a client, remembered until its window has passed (then the worker deletes
 * whatever landed under it). `keptKey` is set by the confirmation that kept a copy of it.
 */
export interface IssuedUpload {
  key: string;
  instructorId: string;
  purpose: UploadPurpose;
  requestedAt: Date;
  expiresAt: Date;
  keptKey: string | null;
}

/** A fresh object key inside the instructor's own prefix; nobody else's upload can land there. */
export function newUploadKey(instructorId: string, purpose: UploadPurpose): string {
  return `instructors/${instructorId}/${UPLOAD_POLICIES[purpose].folder}/${randomUUID()}`;
}

/**
 * Where a confirmed upload is kept: a fresh key no upload URL names, so the client that uploaded it
 * cannot rewrite it (its presigned PUT stays valid until it expires, but only for the upload key).
 */
export function newKeptKey(instructorId: string, purpose: UploadPurpose): string {
  return `instructors/${instructorId}/confirmed/${UPLOAD_POLICIES[purpose].folder}/${randomUUID()}`;
}

export function uploadNotFound(key: string): InstructorError {
  return new InstructorError(
    InstructorErrorCode.UploadNotFound,
    'Nothing was uploaded with this key, the file is empty, or its upload window has passed; request a new upload',
    { uploadKey: key.slice(0, 200) },
  );
}

/**
 * Whether a confirmation can go on: the upload must have been issued, still be within its window
 * and not have been confirmed before. A confirmation that already succeeded and is still what the
 * profile holds is 'already-kept' (a retry, answered as a success without doing anything).
 */
export function confirmationStanding(key: string, issued: IssuedUpload | null, currentKey: string | null, now: Date): 'pending' | 'already-kept' {
  if (issued?.keptKey && issued.keptKey === currentKey) return 'already-kept';
  if (!issued || issued.keptKey !== null || issued.expiresAt.getTime() <= now.getTime()) throw uploadNotFound(key);
  return 'pending';
}

/** Refuses any key that this instructor could not have been given for this purpose. */
export function checkUploadKey(instructorId: string, purpose: UploadPurpose, key: string): string {
  const folder = `instructors/${instructorId}/${UPLOAD_POLICIES[purpose].folder}/`;
  const name = key.slice(folder.length);
  // The name is a randomUUID() of newUploadKey: lower case.
  if (!key.startsWith(folder) || !isUuid(name) || name !== name.toLowerCase()) {
    throw new InstructorError(InstructorErrorCode.InvalidUploadKey, 'This upload key was not issued to this instructor for this kind of file', {
      uploadKey: key.slice(0, 200),
    });
  }
  return key;
}

/** What the client says it will upload, checked before a URL is signed. */
export function checkUploadRequest(purpose: UploadPurpose, contentType: string, byteSize: number): void {
  const policy = UPLOAD_POLICIES[purpose];
  if (!(policy.allowedTypes as readonly string[]).includes(contentType)) {
    throw new InstructorError(InstructorErrorCode.UnsupportedFileType, `Only ${policy.label} can be uploaded here`, {
      contentType: contentType.slice(0, 100),
      allowed: [...policy.allowedTypes],
    });
  }
  if (!Number.isInteger(byteSize) || byteSize < 1) {
    throw new InstructorError(InstructorErrorCode.InvalidInput, 'byteSize: must be a positive whole number of bytes', { field: 'byteSize', problem: 'not positive' });
  }
  if (byteSize > policy.maxBytes) throw tooLarge(policy, byteSize);
}

export function tooLarge(policy: UploadPolicy, byteSize: number): InstructorError {
  return new InstructorError(InstructorErrorCode.FileTooLarge, `The file is ${byteSize} bytes; at most ${policy.maxBytes} are accepted`, {
    byteSize,
    maxBytes: policy.maxBytes,
  });
}

/** Why a stored object is refused, or null when it is acceptable (size first, then content). */
export function judgeStoredUpload(purpose: UploadPurpose, byteSize: number, sniffed: SniffedFileType | null): InstructorError | null {
  const policy = UPLOAD_POLICIES[purpose];
  if (byteSize > policy.maxBytes) return tooLarge(policy, byteSize);
  if (!sniffed || !policy.allowedTypes.includes(sniffed)) {
    return new InstructorError(InstructorErrorCode.UnsupportedFileType, `The uploaded file is not ${policy.label} (checked by its content)`, {
      allowed: [...policy.allowedTypes],
    });
  }
  return null;
}
