import { sniffFileType } from './file-types.rules';
import { checkUploadKey, checkUploadRequest, judgeStoredUpload, newUploadKey } from './uploads.rules';

const bytes = (...values: (number | string)[]) =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'string' ? [...Buffer.from(v, 'latin1')] : [v])));

describe('magic-byte sniffing', () => {
  it('recognises PDF, PNG, JPEG and WebP by their first bytes', () => {
    expect(sniffFileType(bytes('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffFileType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toBe('image/png');
    expect(sniffFileType(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffFileType(bytes('RIFF', 0, 0, 0, 0, 'WEBPVP8 '))).toBe('image/webp');
  });

  it('recognises nothing else, whatever the file is called', () => {
    expect(sniffFileType(bytes(0x7f, 'ELF', 2, 1, 1))).toBeNull(); // Linux executable
    expect(sniffFileType(bytes('MZ', 0x90, 0))).toBeNull(); // Windows executable
    expect(sniffFileType(bytes('PK', 3, 4))).toBeNull(); // zip, docx
    expect(sniffFileType(bytes('<html><body>'))).toBeNull();
    expect(sniffFileType(bytes('RIFF', 0, 0, 0, 0, 'WAVE'))).toBeNull();
    expect(sniffFileType(bytes(' %PDF-1.7'))).toBeNull(); // the signature must be at the start
    expect(sniffFileType(bytes('%PD'))).toBeNull(); // too short to tell
    expect(sniffFileType(new Uint8Array())).toBeNull();
  });
});

describe('upload rules', () => {
  it('accepts documents up to 10 MB as PDF, JPEG or PNG, photos up to 5 MB as images', () => {
    expect(() => checkUploadRequest('background-check', 'application/pdf', 10 * 1024 * 1024)).not.toThrow();
    expect(() => checkUploadRequest('background-check', 'application/pdf', 10 * 1024 * 1024 + 1)).toThrow(expect.objectContaining({ code: 'FILE_TOO_LARGE' }));
    expect(() => checkUploadRequest('background-check', 'image/webp', 100)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FILE_TYPE' }));
    expect(() => checkUploadRequest('profile-photo', 'application/pdf', 100)).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FILE_TYPE' }));
    expect(() => checkUploadRequest('profile-photo', 'image/webp', 0)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('judges what was stored by its real size first, then its content', () => {
    expect(judgeStoredUpload('background-check', 11 * 1024 * 1024, 'application/pdf')?.code).toBe('FILE_TOO_LARGE');
    expect(judgeStoredUpload('background-check', 1000, null)?.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(judgeStoredUpload('background-check', 1000, 'image/webp')?.code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(judgeStoredUpload('background-check', 1000, 'image/png')).toBeNull();
    expect(judgeStoredUpload('profile-photo', 1000, 'application/pdf')?.code).toBe('UNSUPPORTED_FILE_TYPE');
  });

  it('only takes keys issued to the same instructor for the same purpose', () => {
    const id = '6f1c2b9e-8a4d-4c1e-9d2a-1b3c4d5e6f70';
    const key = newUploadKey(id, 'background-check');
    expect(checkUploadKey(id, 'background-check', key)).toBe(key);
    expect(() => checkUploadKey(id, 'profile-photo', key)).toThrow(expect.objectContaining({ code: 'INVALID_UPLOAD_KEY' }));
    expect(() => checkUploadKey('00000000-0000-4000-8000-000000000000', 'background-check', key)).toThrow(expect.objectContaining({ code: 'INVALID_UPLOAD_KEY' }));
    expect(() => checkUploadKey(id, 'background-check', `${key}/../../other`)).toThrow(expect.objectContaining({ code: 'INVALID_UPLOAD_KEY' }));
  });
});
