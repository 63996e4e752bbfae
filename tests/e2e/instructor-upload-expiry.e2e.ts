import type { S3Client } from '@aws-sdk/client-s3';
import type { Worker } from '@instainstru/platform';
import { dataOf, ensureBucket, errorOf, files, instructorSql, keysUnder, objectExists, removeUploadsOf, s3Client, startStack, type TestStack, uploadWith } from '@instainstru/test-harness';
import { createInstructorModule, loadInstructorConfig, type InstructorConfig } from '../../services/instructor/src/module';

/** Uploads expire after 5 seconds here (INSTRUCTOR_UPLOAD_TTL_MINUTES in production); the sweep runs every half second. */
const TTL_MS = 5000;
const config: InstructorConfig = { ...loadInstructorConfig(), uploads: { ttlMs: TTL_MS, sweepIntervalMs: 500, perHour: 20 } };

let stack: TestStack;
let s3: S3Client;
let workers: Worker[] = [];

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps, { config }).subgraph() });
  s3 = s3Client();
  await ensureBucket(s3);
});

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

interface Grant {
  uploadKey: string;
  uploadUrl: string;
  headers: { name: string; value: string }[];
  expiresAt: string;
}

async function newInstructor(sub: string) {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const id = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Expiry Tester" }) { id } }`, { token }),
  ).startInstructorOnboarding.id;
  return { token, id };
}

const requestDocument = async (id: string, token: string, body: Buffer): Promise<Grant> =>
  dataOf<{ requestBackgroundCheckUpload: Grant }>(
    await stack.graphql(
      `mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } expiresAt } }`,
      { token, variables: { id, file: { contentType: 'application/pdf', byteSize: body.length } } },
    ),
  ).requestBackgroundCheckUpload;

const requestPhoto = async (id: string, token: string, body: Buffer): Promise<Grant> =>
  dataOf<{ requestProfilePhotoUpload: Grant }>(
    await stack.graphql(
      `mutation($id: ID!, $file: UploadRequestInput!) { requestProfilePhotoUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } expiresAt } }`,
      { token, variables: { id, file: { contentType: 'image/png', byteSize: body.length } } },
    ),
  ).requestProfilePhotoUpload;

const confirmDocument = (id: string, token: string, key: string) =>
  stack.graphql(`mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { privateDetails { backgroundCheck { status } } } }`, {
    token,
    variables: { id, key },
  });

const confirmPhoto = (id: string, token: string, key: string) =>
  stack.graphql(`mutation($id: ID!, $key: String!) { confirmProfilePhotoUpload(instructorId: $id, uploadKey: $key) { photoUrl } }`, { token, variables: { id, key } });

/** Uploads the service still remembers for this instructor. */
const rememberedUploads = async (id: string) =>
  (await instructorSql<{ upload_key: string }>(stack, `select upload_key from issued_upload where instructor_id = $1 order by upload_key`, [id])).map((r) => r.upload_key);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition did not become true in time');
    await sleep(200);
  }
}

describe('failing: an upload not confirmed within its window', () => {
  it('can no longer be confirmed once the window has passed, and its URL does not outlive the window', async () => {
    const { token, id } = await newInstructor('expiry-late');
    const pdf = files.pdf(3000);
    const requestedAt = Date.now();
    const grant = await requestDocument(id, token, pdf);
    expect(Date.parse(grant.expiresAt)).toBeLessThanOrEqual(requestedAt + TTL_MS + 1000);
    expect(await uploadWith(grant, pdf)).toBe(200);
    await sleep(TTL_MS + 500);
    // No sweep has run yet (no worker in this test): the window alone decides.
    expect(errorOf(await confirmDocument(id, token, grant.uploadKey))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UPLOAD_NOT_FOUND' });
    expect(dataOf<{ instructor: { privateDetails: { backgroundCheck: unknown } } }>(
      await stack.graphql(`query($id: ID!) { instructor(id: $id) { privateDetails { backgroundCheck { status } } } }`, { token, variables: { id } }),
    ).instructor.privateDetails.backgroundCheck).toBeNull();
  });

  it('is deleted from storage and forgotten by the worker; confirmed photos and documents stay', async () => {
    const { token, id } = await newInstructor('expiry-sweep');
    // Confirmed in time: a document and a photo.
    const pdf = files.pdf(4000);
    const document = await requestDocument(id, token, pdf);
    await uploadWith(document, pdf);
    dataOf(await confirmDocument(id, token, document.uploadKey));
    const png = files.png(2000);
    const photo = await requestPhoto(id, token, png);
    await uploadWith(photo, png);
    const { photoUrl } = dataOf<{ confirmProfilePhotoUpload: { photoUrl: string } }>(await confirmPhoto(id, token, photo.uploadKey)).confirmProfilePhotoUpload;
    // Requested and uploaded, never confirmed: one document, one photo.
    const abandonedDocument = await requestDocument(id, token, files.pdf(5000));
    await uploadWith(abandonedDocument, files.pdf(5000));
    const abandonedPhoto = await requestPhoto(id, token, files.png(2500));
    await uploadWith(abandonedPhoto, files.png(2500));
    expect(await objectExists(s3, abandonedDocument.uploadKey)).toBe(true);
    expect(await objectExists(s3, abandonedPhoto.uploadKey)).toBe(true);
    expect(await rememberedUploads(id)).toHaveLength(4);
    const [recorded] = await instructorSql<{ object_key: string; photo_key: string }>(
      stack,
      `select b.object_key, p.photo_key from instructor_profile p join background_check b on b.instructor_id = p.id where p.id = $1`,
      [id],
    );

    workers = createInstructorModule(stack.deps.instructor!, { config }).workers();
    for (const worker of workers) await worker.start();

    await eventually(async () => (await rememberedUploads(id)).length === 0);
    expect(await objectExists(s3, abandonedDocument.uploadKey)).toBe(false);
    expect(await objectExists(s3, abandonedPhoto.uploadKey)).toBe(false);
    // What was confirmed is untouched: its own copies are all that is left under the instructor's prefix.
    expect(await keysUnder(s3, `instructors/${id}/`)).toEqual([recorded!.object_key, recorded!.photo_key].sort());
    expect(Buffer.from(await (await fetch(photoUrl)).arrayBuffer()).equals(png)).toBe(true);
    // Forgotten: the abandoned key is refused like one never issued.
    expect(errorOf(await confirmDocument(id, token, abandonedDocument.uploadKey))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UPLOAD_NOT_FOUND' });
    // The upload left over from the previous test was swept as well.
    const [late] = await instructorSql<{ n: string }>(stack, `select count(*) as n from issued_upload`);
    expect(Number(late!.n)).toBe(0);
  });
});
