/**
 * The document bucket, reached behind the API's back with the instructor service's own settings
 * (the S3_* variables the global setup exports for the services and the tests alike).
 */
import { CreateBucketCommand, DeleteObjectsCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { TestStack } from './gateway-stack';
import { requiredSetting } from './infrastructure';
import { instructorSql } from './sql';

/** The bucket the instructor service keeps documents and photos in. */
export const bucketName = (): string => requiredSetting('S3_BUCKET');

/** An S3 client with the service's own credentials. */
export function s3Client(): S3Client {
  return new S3Client({
    endpoint: requiredSetting('S3_ENDPOINT'),
    region: requiredSetting('S3_REGION'),
    forcePathStyle: requiredSetting('S3_FORCE_PATH_STYLE') === 'true',
    credentials: { accessKeyId: requiredSetting('S3_ACCESS_KEY_ID'), secretAccessKey: requiredSetting('S3_SECRET_ACCESS_KEY') },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
}

/** The bucket exists on the native infrastructure; a fresh container needs it created. */
export async function ensureBucket(s3: S3Client): Promise<void> {
  const Bucket = bucketName();
  try {
    await s3.send(new HeadBucketCommand({ Bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket })).catch(() => undefined);
  }
}

export async function objectExists(s3: S3Client, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return true;
  } catch {
    return false;
  }
}

export async function keysUnder(s3: S3Client, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucketName(), Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

export function putObject(s3: S3Client, key: string, body: Buffer, contentType: string) {
  return s3.send(new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body, ContentType: contentType }));
}

/** Removes what the stack's instructors uploaded, so test runs leave nothing in the bucket. */
export async function removeUploadsOf(stack: TestStack, s3: S3Client): Promise<void> {
  const instructors = await instructorSql<{ id: string }>(stack, `select id from instructor_profile`);
  for (const { id } of instructors) {
    const keys = await keysUnder(s3, `instructors/${id}/`);
    if (keys.length === 0) continue;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucketName(), Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  }
}

/** PUTs a file through a presigned upload exactly as a client would, with the headers it was given. */
export async function uploadWith(grant: { uploadUrl: string; headers: { name: string; value: string }[] }, body: Buffer): Promise<number> {
  const headers = Object.fromEntries(grant.headers.filter((h) => h.name !== 'content-length').map((h) => [h.name, h.value]));
  const response = await fetch(grant.uploadUrl, { method: 'PUT', headers, body });
  await response.arrayBuffer();
  return response.status;
}

/** Sample files, recognisable by their first bytes. */
export const files = {
  pdf: (size = 2048) => Buffer.concat([Buffer.from('%PDF-1.7\n%\xE2\xE3\xCF\xD3\n', 'latin1'), Buffer.alloc(Math.max(0, size - 15), 0x20)]).subarray(0, size),
  png: (size = 1024) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, 1)]),
  jpeg: (size = 1024) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, 2)]),
  /** An ELF executable (what a renamed binary starts with). */
  executable: (size = 4096) => Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(size - 8, 0)]),
};
