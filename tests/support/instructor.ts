/** Helpers for the instructor suites: Stripe webhooks signed like Stripe's, direct S3 access, the outbox. */
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteObjectsCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pg from 'pg';
import Stripe from 'stripe';
import type { EventEnvelope } from '@instainstru/events';
import { loadInstructorConfig } from '../../services/instructor/src/instructor.config';
import type { GraphQLResult, TestStack } from './stack';

export const instructorConfig = loadInstructorConfig();

/** An S3 client with the service's own credentials, for what a test does behind the API's back. */
export function s3Client(): S3Client {
  const { endpoint, region, forcePathStyle, accessKeyId, secretAccessKey } = instructorConfig.s3;
  return new S3Client({ endpoint, region, forcePathStyle, credentials: { accessKeyId, secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

/** The bucket exists on the native infrastructure; a fresh container needs it created. */
export async function ensureBucket(s3: S3Client): Promise<void> {
  const Bucket = instructorConfig.s3.bucket;
  try {
    await s3.send(new HeadBucketCommand({ Bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket })).catch(() => undefined);
  }
}

export async function objectExists(s3: S3Client, key: string): Promise<boolean> {
  try {
    await s3.send(new HeadObjectCommand({ Bucket: instructorConfig.s3.bucket, Key: key }));
    return true;
  } catch {
    return false;
  }
}

export async function keysUnder(s3: S3Client, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: instructorConfig.s3.bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

/** Removes what the stack's instructors uploaded, so test runs leave nothing in the bucket. */
export async function removeUploadsOf(stack: TestStack, s3: S3Client): Promise<void> {
  const instructors = await instructorSql<{ id: string }>(stack, `select id from instructor_profile`);
  for (const { id } of instructors) {
    const keys = await keysUnder(s3, `instructors/${id}/`);
    if (keys.length === 0) continue;
    await s3.send(new DeleteObjectsCommand({ Bucket: instructorConfig.s3.bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }));
  }
}

export function putObject(s3: S3Client, key: string, body: Buffer, contentType: string) {
  return s3.send(new PutObjectCommand({ Bucket: instructorConfig.s3.bucket, Key: key, Body: body, ContentType: contentType }));
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

const stripe = new Stripe(instructorConfig.stripe.secretKey);

export interface StripeTestEvent {
  id: string;
  object: 'event';
  type: string;
  created: number;
  api_version: string;
  livemode: false;
  pending_webhooks: number;
  request: { id: null; idempotency_key: null };
  data: { object: Record<string, unknown> };
}

export function stripeEvent(type: string, object: Record<string, unknown>, options: { id?: string; created?: number } = {}): StripeTestEvent {
  return {
    id: options.id ?? `evt_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    object: 'event',
    type,
    created: options.created ?? Math.floor(Date.now() / 1000),
    api_version: '2026-10-28.endive',
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  };
}

export const identitySessionEvent = (
  status: 'requires_input' | 'processing' | 'verified' | 'canceled',
  session: { id: string; instructorId?: string; lastErrorCode?: string },
  options: { id?: string; created?: number } = {},
) =>
  stripeEvent(
    `identity.verification_session.${status}`,
    {
      id: session.id,
      object: 'identity.verification_session',
      status,
      type: 'document',
      last_error: session.lastErrorCode ? { code: session.lastErrorCode, reason: 'test' } : null,
      metadata: session.instructorId ? { instructorId: session.instructorId } : {},
    },
    options,
  );

export const accountUpdatedEvent = (
  account: { id: string; chargesEnabled: boolean; payoutsEnabled?: boolean; detailsSubmitted?: boolean },
  options: { id?: string; created?: number } = {},
) =>
  stripeEvent(
    'account.updated',
    {
      id: account.id,
      object: 'account',
      charges_enabled: account.chargesEnabled,
      payouts_enabled: account.payoutsEnabled ?? account.chargesEnabled,
      details_submitted: account.detailsSubmitted ?? true,
      metadata: {},
    },
    options,
  );

export function webhookUrl(stack: TestStack): string {
  return stack.subgraphUrls.instructor!.replace(/\/graphql$/, '/webhooks/stripe');
}

/**
 * POSTs a webhook signed with the real SDK's test helper. `secret` and `timestamp` (seconds) can be
 * overridden to forge or age it; `body` to send bytes other than the ones signed.
 */
export async function sendWebhook(
  stack: TestStack,
  event: StripeTestEvent,
  options: { secret?: string; timestamp?: number; body?: string; signature?: string | null } = {},
): Promise<{ status: number; body: { outcome?: string; error?: string } }> {
  const payload = JSON.stringify(event);
  const signature =
    options.signature === undefined
      ? stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? instructorConfig.stripe.webhookSecret, timestamp: options.timestamp })
      : options.signature;
  const response = await fetch(webhookUrl(stack), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature !== null ? { 'stripe-signature': signature } : {}) },
    body: options.body ?? payload,
  });
  return { status: response.status, body: (await response.json()) as { outcome?: string; error?: string } };
}

/** The instructor schema's outbox, oldest first. */
export async function outboxEvents(stack: TestStack, aggregateId?: string): Promise<EventEnvelope[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor('instructor') });
  await client.connect();
  try {
    const { rows } = await client.query<{ envelope: EventEnvelope }>(
      `select envelope from outbox ${aggregateId ? 'where aggregate_id = $1' : ''} order by seq`,
      aggregateId ? [aggregateId] : [],
    );
    return rows.map((r) => r.envelope);
  } finally {
    await client.end();
  }
}

/** Runs SQL as the instructor service's role against the stack's database. */
export async function instructorSql<Row extends pg.QueryResultRow>(stack: TestStack, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.db.urlFor('instructor') });
  await client.connect();
  try {
    return (await client.query<Row>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export function errorOf(result: GraphQLResult): { code?: unknown; reason?: unknown; details?: Record<string, unknown> } | undefined {
  const extensions = result.body.errors?.[0]?.extensions;
  return extensions && { code: extensions.code, reason: extensions.reason, details: extensions.details as Record<string, unknown> | undefined };
}

/** The data of a successful call; fails the test with the errors otherwise. */
export function dataOf<T = Record<string, unknown>>(result: GraphQLResult): T {
  if (result.body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.body.errors)}`);
  return result.body.data as T;
}

export const TERMS = {
  hourlyRate: { amountMinor: 6500, currency: 'USD' },
  durationsMinutes: [60, 30],
  ageGroups: ['KIDS', 'ADULTS'],
  levels: ['BEGINNER', 'INTERMEDIATE'],
  lessonModes: ['AT_STUDIO', 'ONLINE'],
};

export const PRIVATE_DETAILS = `
  privateDetails {
    version
    address { line1 city state postalCode location { latitude longitude } precision }
    onboardingStatus {
      currentStep canGoLive isLive
      steps { step done missing { requirement } }
      missingForGoLive { requirement step message }
    }
    identityVerification { status sessionId lastErrorCode verifiedAt }
    backgroundCheck { status contentType byteSize rejectionReason documentUrl }
    payoutAccount { stripeAccountId chargesEnabled payoutsEnabled detailsSubmitted }
  }`;
