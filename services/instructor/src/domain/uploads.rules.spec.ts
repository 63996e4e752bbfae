import { InstructorError } from './instructor.errors';
import { checkUploadKey, confirmationStanding, newKeptKey, newUploadKey, uploadUrlSeconds, type IssuedUpload } from './uploads.rules';

const instructorId = '6f1c2a4e-8b0d-4c3e-9a71-2d5b8e0f4a10';
const now = new Date('2027-03-01T12:00:00Z');
const key = newUploadKey(instructorId, 'background-check');
const issued = (changes: Partial<IssuedUpload> = {}): IssuedUpload => ({
  key,
  instructorId,
  purpose: 'background-check',
  requestedAt: new Date('2027-03-01T11:30:00Z'),
  expiresAt: new Date('2027-03-01T12:30:00Z'),
  keptKey: null,
  ...changes,
});
const reasonOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof InstructorError) return error.code;
    throw error;
  }
  return 'accepted';
};

describe('confirming an upload', () => {
  it('goes on while the upload is within its window and not confirmed yet', () => {
    expect(confirmationStanding(key, issued(), null, now)).toBe('pending');
    expect(confirmationStanding(key, issued(), 'instructors/x/confirmed/background-checks/older', now)).toBe('pending');
  });

  it('is refused like an unknown upload once its window has passed, or when it was never issued', () => {
    expect(reasonOf(() => confirmationStanding(key, issued({ expiresAt: now }), null, now))).toBe('UPLOAD_NOT_FOUND');
    expect(reasonOf(() => confirmationStanding(key, null, null, now))).toBe('UPLOAD_NOT_FOUND');
  });

  it('answers a retry of a confirmation that succeeded as done, even after the window; a confirmation since replaced is refused', () => {
    const kept = newKeptKey(instructorId, 'background-check');
    expect(confirmationStanding(key, issued({ keptKey: kept }), kept, now)).toBe('already-kept');
    expect(confirmationStanding(key, issued({ keptKey: kept, expiresAt: now }), kept, now)).toBe('already-kept');
    expect(reasonOf(() => confirmationStanding(key, issued({ keptKey: kept }), newKeptKey(instructorId, 'background-check'), now))).toBe('UPLOAD_NOT_FOUND');
  });
});

describe('kept copies', () => {
  it('live under keys no upload URL names, and that cannot be confirmed as uploads', () => {
    const kept = newKeptKey(instructorId, 'profile-photo');
    expect(kept).toMatch(new RegExp(`^instructors/${instructorId}/confirmed/photos/[0-9a-f-]{36}$`));
    expect(kept).not.toBe(newKeptKey(instructorId, 'profile-photo'));
    expect(reasonOf(() => checkUploadKey(instructorId, 'profile-photo', kept))).toBe('INVALID_UPLOAD_KEY');
  });
});

describe('upload URLs', () => {
  it('work for ten minutes, or for the whole window when it is shorter', () => {
    expect(uploadUrlSeconds(60 * 60_000)).toBe(600);
    expect(uploadUrlSeconds(5000)).toBe(5);
    expect(uploadUrlSeconds(200)).toBe(1);
  });
});
