import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { InstructorError, InstructorErrorCode } from '../../domain/instructor.errors';
import type { DocumentStorage, PresignedPut } from '../../domain/instructor.ports';
import type { InstructorConfig } from '../../instructor.config';

function unavailable(): InstructorError {
  return new InstructorError(InstructorErrorCode.StorageUnavailable, 'File storage is unavailable right now; try again');
}

const isMissing = (error: unknown) =>
  error instanceof S3ServiceException && (error.name === 'NotFound' || error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404);

/** S3-compatible object storage (AWS S3, Cloudflare R2, MinIO locally) for photos and documents. */
export class S3DocumentStorage implements DocumentStorage {
  readonly client: S3Client;
  private readonly bucket: string;

  constructor(
    config: InstructorConfig['s3'],
    /** Where storage failures are reported (the caller only learns that storage is unavailable). */
    private readonly onFailure: (err: unknown) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Otherwise the SDK signs a checksum of the (empty) body into presigned PUT URLs.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 2,
    });
  }

  /** Content type and length are signed: a PUT with another type or size is refused by the storage. */
  async presignPut(request: { key: string; contentType: string; byteSize: number; expiresInSeconds: number }): Promise<PresignedPut> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: request.key, ContentType: request.contentType, ContentLength: request.byteSize });
    const signedAt = this.now();
    const url = await getSignedUrl(this.client, command, {
      expiresIn: request.expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
      signingDate: signedAt,
    });
    return {
      url,
      headers: { 'content-type': request.contentType, 'content-length': String(request.byteSize) },
      expiresAt: new Date(signedAt.getTime() + request.expiresInSeconds * 1000),
    };
  }

  async sizeOf(key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissing(error)) return null;
      throw this.unavailable(error);
    }
  }

  async readFirstBytes(key: string, count: number): Promise<Uint8Array> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${count - 1}` }));
      const bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
      return bytes.subarray(0, count);
    } catch (error) {
      if (isMissing(error)) return new Uint8Array();
      throw this.unavailable(error);
    }
  }

  /** Copied inside the storage (the bytes never pass through the service), with a new content type. */
  async copy(request: { from: string; to: string; contentType: string }): Promise<boolean> {
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: request.to,
          CopySource: `${this.bucket}/${request.from.split('/').map(encodeURIComponent).join('/')}`,
          MetadataDirective: 'REPLACE',
          ContentType: request.contentType,
        }),
      );
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw this.unavailable(error);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /**
   * A GET link valid for `expiresInSeconds`. The signing time is rounded down to half that period,
   * so repeated reads hand out the same link (cacheable) and every link still has at least half its life.
   */
  async presignGet(key: string, expiresInSeconds: number): Promise<string> {
    const step = (expiresInSeconds * 1000) / 2;
    const signingDate = new Date(Math.floor(this.now().getTime() / step) * step);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: expiresInSeconds, signingDate });
  }

  private unavailable(error: unknown): InstructorError {
    this.onFailure(error);
    return unavailable();
  }

  close(): void {
    this.client.destroy();
  }
}
