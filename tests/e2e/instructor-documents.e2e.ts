import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { bucketName, dataOf, ensureBucket, errorOf, files, instructorSql, keysUnder, objectExists, outboxEvents, putObject, removeUploadsOf, s3Client, startStack, type TestStack, uploadWith } from '@instainstru/test-harness';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;
let s3: S3Client;

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps).subgraph() });
  s3 = s3Client();
  await ensureBucket(s3);
});

afterAll(async () => {
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

const MB = 1024 * 1024;

interface Grant {
  uploadKey: string;
  uploadUrl: string;
  headers: { name: string; value: string }[];
}

async function newInstructor(sub: string) {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const { startInstructorOnboarding } = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Doc Tester" }) { id } }`, { token }),
  );
  return { token, id: startInstructorOnboarding.id };
}

const requestDocument = (id: string, token: string, contentType: string, byteSize: number) =>
  stack.graphql(
    `mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } maxBytes } }`,
    { token, variables: { id, file: { contentType, byteSize } } },
  );

const grantFor = async (id: string, token: string, contentType: string, byteSize: number): Promise<Grant> =>
  dataOf<{ requestBackgroundCheckUpload: Grant }>(await requestDocument(id, token, contentType, byteSize)).requestBackgroundCheckUpload;

const confirmDocument = (id: string, token: string, key: string) =>
  stack.graphql(
    `mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { privateDetails { backgroundCheck { status contentType byteSize rejectionReason } } } }`,
    { token, variables: { id, key } },
  );

/** An object's bytes and content type, read straight from the bucket. */
async function storedObject(key: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
  return { bytes: Buffer.from(await object.Body!.transformToByteArray()), contentType: object.ContentType };
}

/** What the service recorded for the background check (the key it serves the document from). */
const recordedDocument = async (id: string) =>
  (await instructorSql<{ object_key: string; content_type: string; byte_size: string }>(stack, `select object_key, content_type, byte_size from background_check where instructor_id = $1`, [id]))[0];

/** The document as an admin is served it, through the link the API hands out. */
async function servedDocument(id: string, adminToken: string): Promise<{ bytes: Buffer; contentType: string | null }> {
  const { instructor } = dataOf<{ instructor: { privateDetails: { backgroundCheck: { documentUrl: string } } } }>(
    await stack.graphql(`query($id: ID!) { instructor(id: $id) { privateDetails { backgroundCheck { documentUrl } } } }`, { token: adminToken, variables: { id } }),
  );
  const response = await fetch(instructor.privateDetails.backgroundCheck.documentUrl);
  expect(response.status).toBe(200);
  return { bytes: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') };
}

const backgroundCheckOf = async (id: string, token: string) =>
  dataOf<{ instructor: { privateDetails: { backgroundCheck: unknown } } }>(
    await stack.graphql(`query($id: ID!) { instructor(id: $id) { privateDetails { backgroundCheck { status contentType byteSize rejectionReason } } } }`, {
      token,
      variables: { id },
    }),
  ).instructor.privateDetails.backgroundCheck;

describe('failing background check uploads', () => {
  it('refuses to sign an upload of more than 10 MB or of a type that is not PDF, JPEG or PNG', async () => {
    const { token, id } = await newInstructor('doc-limits');
    expect(errorOf(await requestDocument(id, token, 'application/pdf', 11 * MB))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'FILE_TOO_LARGE',
      details: { maxBytes: 10 * MB },
    });
    expect(errorOf(await requestDocument(id, token, 'application/x-msdownload', 1000))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_FILE_TYPE' });
    expect(await keysUnder(s3, `instructors/${id}/`)).toEqual([]);
  });

  it('rejects an 11 MB file and removes it from the bucket', async () => {
    const { token, id } = await newInstructor('doc-large');
    const big = files.pdf(11 * MB);

    // The signed URL carries the declared size: storage itself refuses a larger body.
    const grant = await grantFor(id, token, 'application/pdf', 1 * MB);
    expect(await uploadWith(grant, big)).toBe(403);
    expect(errorOf(await confirmDocument(id, token, grant.uploadKey))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UPLOAD_NOT_FOUND' });

    // Should an 11 MB object land under an issued key anyway, the confirmation checks the real size.
    const second = await grantFor(id, token, 'application/pdf', 2 * MB);
    await putObject(s3, second.uploadKey, big, 'application/pdf');
    expect(await objectExists(s3, second.uploadKey)).toBe(true);
    const refused = await confirmDocument(id, token, second.uploadKey);
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'FILE_TOO_LARGE', details: { byteSize: 11 * MB, maxBytes: 10 * MB } });
    expect(await objectExists(s3, second.uploadKey)).toBe(false);
    expect(await keysUnder(s3, `instructors/${id}/`)).toEqual([]);
    expect(await backgroundCheckOf(id, token)).toBeNull();
  });

  it('rejects an executable renamed .pdf (checked by content) and removes it from the bucket', async () => {
    const { token, id } = await newInstructor('doc-exe');
    const exe = files.executable(64 * 1024);
    // The browser labels the renamed file application/pdf, so the upload itself goes through.
    const grant = await grantFor(id, token, 'application/pdf', exe.length);
    expect(await uploadWith(grant, exe)).toBe(200);
    expect(await objectExists(s3, grant.uploadKey)).toBe(true);

    const refused = await confirmDocument(id, token, grant.uploadKey);
    expect(errorOf(refused)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_FILE_TYPE' });
    expect(refused.body.errors?.[0]?.message).toMatch(/PDF, JPEG or PNG/);
    expect(await objectExists(s3, grant.uploadKey)).toBe(false);
    expect(await backgroundCheckOf(id, token)).toBeNull();
    expect((await outboxEvents(stack, 'instructor', id)).map((e) => e.type)).toEqual(['instructor.profile-updated']);
  });

  it('refuses keys it did not issue to this instructor, and leaves other people’s files alone', async () => {
    const victim = await newInstructor('doc-victim');
    const intruder = await newInstructor('doc-intruder');
    const pdf = files.pdf(3000);
    const grant = await grantFor(victim.id, victim.token, 'application/pdf', pdf.length);
    await uploadWith(grant, pdf);

    for (const key of [grant.uploadKey, `instructors/${intruder.id}/../${victim.id}/background-checks/x`, `instructors/${intruder.id}/photos/${grant.uploadKey.split('/').pop()}`]) {
      expect(errorOf(await confirmDocument(intruder.id, intruder.token, key))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_UPLOAD_KEY' });
    }
    expect(await objectExists(s3, grant.uploadKey)).toBe(true);
    // And one cannot confirm into someone else's profile either.
    expect(errorOf(await confirmDocument(victim.id, intruder.token, grant.uploadKey))?.code).toBe('NOT_FOUND');
    expect(errorOf(await confirmDocument(intruder.id, intruder.token, `instructors/${intruder.id}/background-checks/${grant.uploadKey.split('/').pop()}`))).toMatchObject({
      reason: 'UPLOAD_NOT_FOUND',
    });
  });
});

describe('successful background check uploads and reviews', () => {
  it('accepts a JPEG by its content; admins review; a new document replaces a rejected one', async () => {
    const { token, id } = await newInstructor('doc-ok');
    const admin = await stack.token({ sub: 'admin-doc', roles: ['admin'] });
    const jpeg = files.jpeg(20_000);
    const grant = await grantFor(id, token, 'image/jpeg', jpeg.length);
    expect(await uploadWith(grant, jpeg)).toBe(200);
    expect(dataOf<Record<string, unknown>>(await confirmDocument(id, token, grant.uploadKey))).toEqual({
      confirmBackgroundCheckUpload: { privateDetails: { backgroundCheck: { status: 'PENDING_REVIEW', contentType: 'image/jpeg', byteSize: 20_000, rejectionReason: null } } },
    });

    const review = (mutation: string, who: string) => stack.graphql(mutation, { token: who, variables: { id } });
    expect(errorOf(await review(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, token))).toMatchObject({ code: 'FORBIDDEN', reason: 'ADMIN_ONLY' });
    expect(errorOf(await review(`mutation($id: ID!) { rejectBackgroundCheck(instructorId: $id, reason: " ") { id } }`, admin))).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'reason' },
    });
    dataOf(await review(`mutation($id: ID!) { rejectBackgroundCheck(instructorId: $id, reason: "The document is unreadable") { id } }`, admin));
    expect(await backgroundCheckOf(id, token)).toMatchObject({ status: 'REJECTED', rejectionReason: 'The document is unreadable' });
    expect(errorOf(await review(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, admin))).toMatchObject({
      code: 'CONFLICT',
      reason: 'BACKGROUND_CHECK_NOT_PENDING',
    });

    const pdf = files.pdf(9000);
    const again = await grantFor(id, token, 'application/pdf', pdf.length);
    await uploadWith(again, pdf);
    dataOf(await confirmDocument(id, token, again.uploadKey));
    expect(await backgroundCheckOf(id, token)).toMatchObject({ status: 'PENDING_REVIEW', contentType: 'application/pdf', rejectionReason: null });
    // Only the current document's own copy remains: the upload keys and the rejected document are gone.
    const current = await recordedDocument(id);
    expect(current!.object_key).not.toBe(again.uploadKey);
    expect(await keysUnder(s3, `instructors/${id}/`)).toEqual([current!.object_key]);
    // Confirming the same upload twice changes nothing.
    dataOf(await confirmDocument(id, token, again.uploadKey));
    dataOf(await review(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, admin));
    expect(errorOf(await requestDocument(id, token, 'application/pdf', 1000))).toMatchObject({ code: 'CONFLICT', reason: 'BACKGROUND_CHECK_ALREADY_APPROVED' });
    const [row] = await instructorSql<{ reviewed_by: string }>(stack, `select reviewed_by from background_check where instructor_id = $1`, [id]);
    expect(row!.reviewed_by).toBe('admin-doc');
  });
});

describe('confirmed documents stay as they were checked', () => {
  it('keeps the confirmed document: PUTting other bytes to its still-valid upload URL afterwards changes nothing', async () => {
    const { token, id } = await newInstructor('doc-rewrite');
    const admin = await stack.token({ sub: 'admin-rewrite', roles: ['admin'] });
    const pdf = files.pdf(6000);
    const grant = await grantFor(id, token, 'application/pdf', pdf.length);
    expect(await uploadWith(grant, pdf)).toBe(200);
    dataOf(await confirmDocument(id, token, grant.uploadKey));

    // The presigned URL stays valid for its expiry: the same declared type and size, other bytes.
    const executable = files.executable(pdf.length);
    expect(await uploadWith(grant, executable)).toBe(200);

    const recorded = await recordedDocument(id);
    expect(recorded).toMatchObject({ content_type: 'application/pdf', byte_size: String(pdf.length) });
    expect((await servedDocument(id, admin)).bytes.equals(pdf)).toBe(true);
    expect((await storedObject(recorded!.object_key)).bytes.equals(pdf)).toBe(true);
    // It is kept under a key of its own, which no upload URL names.
    expect(recorded!.object_key).not.toBe(grant.uploadKey);

    // Confirming the same upload again (a retry) changes nothing either.
    dataOf(await confirmDocument(id, token, grant.uploadKey));
    expect(await recordedDocument(id)).toEqual(recorded);
    expect((await servedDocument(id, admin)).bytes.equals(pdf)).toBe(true);
  });

  it('stores and serves a document as what its bytes are: PNG bytes declared as PDF are a PNG', async () => {
    const { token, id } = await newInstructor('doc-disguised-png');
    const admin = await stack.token({ sub: 'admin-disguised', roles: ['admin'] });
    const png = files.png(4000);
    const grant = await grantFor(id, token, 'application/pdf', png.length);
    expect(await uploadWith(grant, png)).toBe(200);
    expect(dataOf(await confirmDocument(id, token, grant.uploadKey))).toEqual({
      confirmBackgroundCheckUpload: { privateDetails: { backgroundCheck: { status: 'PENDING_REVIEW', contentType: 'image/png', byteSize: 4000, rejectionReason: null } } },
    });
    const recorded = await recordedDocument(id);
    expect(recorded!.content_type).toBe('image/png');
    expect(await storedObject(recorded!.object_key)).toMatchObject({ contentType: 'image/png' });
    const served = await servedDocument(id, admin);
    expect(served.contentType).toBe('image/png');
    expect(served.bytes.equals(png)).toBe(true);
  });
});

describe('profile photos', () => {
  const requestPhoto = (id: string, token: string, contentType: string, byteSize: number) =>
    stack.graphql(`mutation($id: ID!, $file: UploadRequestInput!) { requestProfilePhotoUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } maxBytes } }`, {
      token,
      variables: { id, file: { contentType, byteSize } },
    });
  const confirmPhoto = (id: string, token: string, key: string) =>
    stack.graphql(`mutation($id: ID!, $key: String!) { confirmProfilePhotoUpload(instructorId: $id, uploadKey: $key) { photoUrl privateDetails { version } } }`, {
      token,
      variables: { id, key },
    });

  it('accepts images only, checked by content, and replaces the previous photo', async () => {
    const { token, id } = await newInstructor('photo-owner');
    expect(errorOf(await requestPhoto(id, token, 'image/png', 6 * MB))).toMatchObject({ reason: 'FILE_TOO_LARGE', details: { maxBytes: 5 * MB } });
    expect(errorOf(await requestPhoto(id, token, 'application/pdf', 1000))).toMatchObject({ reason: 'UNSUPPORTED_FILE_TYPE' });

    // A PDF uploaded as "image/png" is refused and deleted.
    const pdf = files.pdf(4000);
    const disguised = dataOf<{ requestProfilePhotoUpload: Grant }>(await requestPhoto(id, token, 'image/png', pdf.length)).requestProfilePhotoUpload;
    expect(await uploadWith(disguised, pdf)).toBe(200);
    expect(errorOf(await confirmPhoto(id, token, disguised.uploadKey))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_FILE_TYPE' });
    expect(await objectExists(s3, disguised.uploadKey)).toBe(false);

    const png = files.png(3000);
    const first = dataOf<{ requestProfilePhotoUpload: Grant }>(await requestPhoto(id, token, 'image/png', png.length)).requestProfilePhotoUpload;
    await uploadWith(first, png);
    const saved = dataOf<{ confirmProfilePhotoUpload: { photoUrl: string; privateDetails: { version: number } } }>(await confirmPhoto(id, token, first.uploadKey)).confirmProfilePhotoUpload;
    expect(saved.privateDetails.version).toBe(2);
    expect(Buffer.from(await (await fetch(saved.photoUrl)).arrayBuffer()).equals(png)).toBe(true);

    // A JPEG declared as PNG is kept, and served, as a JPEG.
    const jpeg = files.jpeg(2500);
    const second = dataOf<{ requestProfilePhotoUpload: Grant }>(await requestPhoto(id, token, 'image/png', jpeg.length)).requestProfilePhotoUpload;
    await uploadWith(second, jpeg);
    const replaced = dataOf<{ confirmProfilePhotoUpload: { photoUrl: string } }>(await confirmPhoto(id, token, second.uploadKey)).confirmProfilePhotoUpload;
    const served = await fetch(replaced.photoUrl);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await served.arrayBuffer()).equals(jpeg)).toBe(true);
    // The previous photo is gone and the upload keys are not what is kept: only the current photo's own copy remains.
    const [{ photo_key: photoKey }] = (await instructorSql<{ photo_key: string }>(stack, `select photo_key from instructor_profile where id = $1`, [id])) as [{ photo_key: string }];
    expect(photoKey).not.toBe(second.uploadKey);
    expect(await keysUnder(s3, `instructors/${id}/`)).toEqual([photoKey]);

    // Other bytes PUT to the used upload URL afterwards do not become the photo.
    expect(await uploadWith(second, files.png(jpeg.length))).toBe(200);
    expect(Buffer.from(await (await fetch(replaced.photoUrl)).arrayBuffer()).equals(jpeg)).toBe(true);
    expect((await storedObject(photoKey)).bytes.equals(jpeg)).toBe(true);
    const events = await outboxEvents(stack, 'instructor', id);
    expect(events.map((e) => (e.payload as { changed: string[] }).changed)).toEqual([['displayName', 'timezone'], ['photo'], ['photo']]);
    expect(events.at(-1)!.payload).toMatchObject({ instructor: { hasPhoto: true } });
  });
});
