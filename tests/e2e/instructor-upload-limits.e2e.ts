import type { S3Client } from '@aws-sdk/client-s3';
import { dataOf, ensureBucket, errorOf, instructorSql, removeUploadsOf, s3Client, startStack, type TestStack } from '@instainstru/test-harness';
import { createInstructorModule, loadInstructorConfig, type InstructorConfig } from '../../services/instructor/src/module';

/** Three upload requests per instructor and hour here (INSTRUCTOR_UPLOADS_PER_HOUR, 20 by default). */
const config: InstructorConfig = { ...loadInstructorConfig(), uploads: { ...loadInstructorConfig().uploads, perHour: 3 } };

let stack: TestStack;
let s3: S3Client;

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps, { config }).subgraph() });
  s3 = s3Client();
  await ensureBucket(s3);
});

afterAll(async () => {
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

async function newInstructor(sub: string) {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const id = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Upload Limits" }) { id } }`, { token }),
  ).startInstructorOnboarding.id;
  return { token, id };
}

const REQUEST_DOCUMENT = `mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey } }`;
const REQUEST_PHOTO = `mutation($id: ID!, $file: UploadRequestInput!) { requestProfilePhotoUpload(instructorId: $id, file: $file) { uploadKey } }`;
const issued = async (id: string) => (await instructorSql(stack, `select upload_key from issued_upload where instructor_id = $1`, [id])).length;

describe('upload requests per instructor per hour', () => {
  it('issues the configured number of uploads an hour, photos and documents together, then refuses with when to retry', async () => {
    const { token, id } = await newInstructor('limits-sequential');
    const document = { id, file: { contentType: 'application/pdf', byteSize: 1000 } };
    const photo = { id, file: { contentType: 'image/png', byteSize: 1000 } };
    for (const [query, variables] of [[REQUEST_DOCUMENT, document], [REQUEST_PHOTO, photo], [REQUEST_DOCUMENT, document]] as const) {
      expect((await stack.graphql(query, { token, variables })).body.errors).toBeUndefined();
    }
    const refused = await stack.graphql(REQUEST_PHOTO, { token, variables: photo });
    expect(refused.body.data).toBeNull();
    const error = errorOf(refused) as { code: string; reason: string; details: { limit: number; retryAfter: number; windowEndsAt: string } };
    expect(error).toMatchObject({ code: 'RATE_LIMITED', reason: 'UPLOAD_LIMIT_REACHED', details: { limit: 3 } });
    expect(error.details.retryAfter).toBeGreaterThan(0);
    expect(error.details.retryAfter).toBeLessThanOrEqual(3600);
    expect(Date.parse(error.details.windowEndsAt) % 3_600_000).toBe(0);
    expect(await issued(id)).toBe(3);

    // Another instructor has a window of their own.
    const other = await newInstructor('limits-other');
    expect((await stack.graphql(REQUEST_DOCUMENT, { token: other.token, variables: { ...document, id: other.id } })).body.errors).toBeUndefined();
  });

  it('never issues more than the limit to requests racing each other', async () => {
    const { token, id } = await newInstructor('limits-racing');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => stack.graphql(REQUEST_DOCUMENT, { token, variables: { id, file: { contentType: 'application/pdf', byteSize: 1000 } } })),
    );
    expect(answers.filter((a) => !a.body.errors)).toHaveLength(3);
    for (const refused of answers.filter((a) => a.body.errors)) expect(errorOf(refused)).toMatchObject({ code: 'RATE_LIMITED', reason: 'UPLOAD_LIMIT_REACHED' });
    expect(await issued(id)).toBe(3);
  });
});
