import { EventSchemaRegistry, InstructorPrivateEventType, PRIVATE_EVENT_TOPICS } from '@instainstru/events';
import type { S3Client } from '@aws-sdk/client-s3';
import { accountUpdatedEvent, dataOf, ensureBucket, errorOf, files, identitySessionEvent, outboxEvents, PRIVATE_DETAILS, removeUploadsOf, s3Client, sendWebhook, startStack, TERMS, type TestStack, uploadWith } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;
let s3: S3Client;
let services: { id: string; name: string }[];

beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph(), instructor: (deps) => createInstructorModule(deps).subgraph() });
  await createCatalogModule(stack.deps.catalog!).seed();
  s3 = s3Client();
  await ensureBucket(s3);
  const { categories } = dataOf<{ categories: { slug: string; services: { id: string; name: string }[] }[] }>(
    await stack.graphql('{ categories { slug services { id name } } }'),
  );
  services = categories.find((c) => c.slug === 'music')!.services;
});

afterAll(async () => {
  if (stack && s3) await removeUploadsOf(stack, s3);
  s3?.destroy();
  await stack?.stop();
});

/** The instructor's public events (`instructor.events`), without the private channel's (PRIVATE_EVENT_TOPICS). */
const publicEvents = async (id: string) => (await outboxEvents(stack, 'instructor', id)).filter((e) => !Object.hasOwn(PRIVATE_EVENT_TOPICS, e.type));

interface OnboardingStatus {
  currentStep: string;
  canGoLive: boolean;
  isLive: boolean;
  steps: { step: string; done: boolean; missing: { requirement: string }[] }[];
  missingForGoLive: { requirement: string; step: string; message: string }[];
}

interface PrivateDetails {
  version: number;
  address: { line1: string; city: string; state: string; postalCode: string; location: { latitude: number; longitude: number }; precision: string } | null;
  onboardingStatus: OnboardingStatus;
  identityVerification: { status: string; sessionId: string | null };
  backgroundCheck: { status: string; contentType: string; byteSize: number; rejectionReason: string | null; documentUrl: string | null } | null;
  payoutAccount: { stripeAccountId: string | null; chargesEnabled: boolean };
}

/** A new instructor signing up, as the client would. */
async function newInstructor(sub: string, displayName: string) {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const started = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation($input: StartInstructorOnboardingInput!) { startInstructorOnboarding(input: $input) { id } }`, {
      token,
      variables: { input: { displayName, timezone: 'America/Chicago' } },
    }),
  );
  return { token, id: started.startInstructorOnboarding.id };
}

async function privateDetails(id: string, token: string): Promise<PrivateDetails> {
  const { instructor } = dataOf<{ instructor: { privateDetails: PrivateDetails } }>(
    await stack.graphql(`query($id: ID!) { instructor(id: $id) { ${PRIVATE_DETAILS} } }`, { token, variables: { id } }),
  );
  return instructor.privateDetails;
}

const goLive = (id: string, token: string) =>
  stack.graphql(`mutation($id: ID!) { goLive(instructorId: $id) { id isLive } }`, { token, variables: { id } });

describe('successful onboarding, welcome to live', () => {
  it('takes a new instructor through every step to live, through the gateway', async () => {
    const { token, id } = await newInstructor('instr-maya', 'Maya Lopez');
    const admin = await stack.token({ sub: 'admin-1', roles: ['admin'] });
    let details = await privateDetails(id, token);
    expect(details.onboardingStatus).toMatchObject({ currentStep: 'SKILLS', canGoLive: false, isLive: false });
    expect(details.onboardingStatus.steps.map((s) => [s.step, s.done])).toEqual([
      ['WELCOME', true],
      ['SKILLS', false],
      ['VERIFICATION', false],
      ['GO_LIVE', false],
    ]);

    // Not live yet: the public cannot see the profile.
    expect(errorOf(await stack.graphql(`query($id: ID!) { instructor(id: $id) { id } }`, { variables: { id } }))?.code).toBe('NOT_FOUND');

    // Welcome: profile and address; the address is geocoded offline and sets the timezone.
    const updated = dataOf<{ updateInstructorProfile: { timezone: string; yearsOfExperience: number; area: unknown; privateDetails: PrivateDetails } }>(
      await stack.graphql(
        `mutation($id: ID!, $v: Int!, $input: UpdateInstructorProfileInput!) {
           updateInstructorProfile(instructorId: $id, expectedVersion: $v, input: $input) { timezone yearsOfExperience area { city state } ${PRIVATE_DETAILS} }
         }`,
        {
          token,
          variables: {
            id,
            v: details.version,
            input: { bio: 'Classically trained pianist.', yearsOfExperience: 8, address: { line1: '200 Court St', line2: 'Apt 3', postalCode: '11201', state: 'NY' } },
          },
        },
      ),
    ).updateInstructorProfile;
    expect(updated.timezone).toBe('America/New_York');
    expect(updated.area).toEqual({ city: 'Brooklyn', state: 'NY' });
    expect(updated.privateDetails.version).toBe(details.version + 1);
    expect(updated.privateDetails.address).toMatchObject({ line1: '200 Court St', city: 'Brooklyn', postalCode: '11201', precision: 'POSTAL_CODE' });
    expect(updated.privateDetails.address!.location.latitude).toBeCloseTo(40.694, 2);
    expect(updated.privateDetails.address!.location.longitude).toBeCloseTo(-73.99, 2);

    // Skills: one offered service.
    const piano = services.find((s) => s.name === 'Piano')!;
    const offered = dataOf<{ offerService: { id: string; hourlyRate: unknown; durationsMinutes: number[]; ageGroups: string[]; travelRadiusMiles: number } }>(
      await stack.graphql(
        `mutation($id: ID!, $input: OfferServiceInput!) {
           offerService(instructorId: $id, input: $input) { id hourlyRate { amountMinor currency } durationsMinutes ageGroups lessonModes travelRadiusMiles version }
         }`,
        { token, variables: { id, input: { serviceId: piano.id, terms: { ...TERMS, lessonModes: ['AT_STUDENT_PLACE', 'ONLINE'], travelRadiusMiles: 5 } } } },
      ),
    ).offerService;
    expect(offered).toMatchObject({ hourlyRate: { amountMinor: 6500, currency: 'USD' }, durationsMinutes: [30, 60], ageGroups: ['KIDS', 'ADULTS'], travelRadiusMiles: 5 });
    details = await privateDetails(id, token);
    expect(details.onboardingStatus.currentStep).toBe('VERIFICATION');
    expect(details.onboardingStatus.missingForGoLive.map((m) => m.requirement)).toEqual(['IDENTITY_VERIFIED', 'BACKGROUND_CHECK_APPROVED', 'CONNECT_CHARGES_ENABLED']);

    // Verification 1/3: Stripe Identity (stripe-mock), its result by webhook.
    const session = dataOf<{ startIdentityVerification: { sessionId: string } }>(
      await stack.graphql(`mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId clientSecret url } }`, { token, variables: { id } }),
    ).startIdentityVerification;
    expect(session.sessionId).toMatch(/^vs_/);
    expect((await privateDetails(id, token)).identityVerification).toMatchObject({ status: 'REQUIRES_INPUT', sessionId: session.sessionId });
    const verified = await sendWebhook(stack, identitySessionEvent('verified', { id: session.sessionId, instructorId: id }));
    expect(verified).toEqual({ status: 200, body: { received: true, outcome: 'applied' } });

    // Verification 2/3: a Connect account and its onboarding link; capabilities by webhook.
    const link = dataOf<{ startPayoutAccountOnboarding: { url: string; expiresAt: string } }>(
      await stack.graphql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url expiresAt } }`, { token, variables: { id } }),
    ).startPayoutAccountOnboarding;
    // Stripe's hosted onboarding (https at Stripe; the emulator's own page locally).
    expect(link.url).toMatch(/^https?:\/\/.+/);
    const accountId = (await privateDetails(id, token)).payoutAccount.stripeAccountId!;
    expect(accountId).toMatch(/^acct_/);
    expect((await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: true }))).body.outcome).toBe('applied');

    // Verification 3/3: the background check document, straight to S3, then an admin's review.
    const pdf = files.pdf(40_000);
    const grant = dataOf<{ requestBackgroundCheckUpload: { uploadKey: string; uploadUrl: string; method: string; headers: { name: string; value: string }[]; maxBytes: number } }>(
      await stack.graphql(
        `mutation($id: ID!, $file: UploadRequestInput!) {
           requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl method headers { name value } expiresAt maxBytes }
         }`,
        { token, variables: { id, file: { contentType: 'application/pdf', byteSize: pdf.length } } },
      ),
    ).requestBackgroundCheckUpload;
    expect(grant).toMatchObject({ method: 'PUT', maxBytes: 10 * 1024 * 1024 });
    expect(await uploadWith(grant, pdf)).toBe(200);
    const confirmed = dataOf<{ confirmBackgroundCheckUpload: { privateDetails: PrivateDetails } }>(
      await stack.graphql(`mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { ${PRIVATE_DETAILS} } }`, {
        token,
        variables: { id, key: grant.uploadKey },
      }),
    ).confirmBackgroundCheckUpload;
    expect(confirmed.privateDetails.backgroundCheck).toEqual({ status: 'PENDING_REVIEW', contentType: 'application/pdf', byteSize: pdf.length, rejectionReason: null, documentUrl: null });

    const queue = dataOf<{ backgroundChecksAwaitingReview: { id: string; privateDetails: PrivateDetails }[] }>(
      await stack.graphql(`{ backgroundChecksAwaitingReview { id ${PRIVATE_DETAILS} } }`, { token: admin }),
    ).backgroundChecksAwaitingReview;
    const waiting = queue.find((i) => i.id === id)!;
    const documentUrl = waiting.privateDetails.backgroundCheck!.documentUrl!;
    const document = Buffer.from(await (await fetch(documentUrl)).arrayBuffer());
    expect(document.equals(pdf)).toBe(true);
    const approved = dataOf<{ approveBackgroundCheck: { privateDetails: PrivateDetails } }>(
      await stack.graphql(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { ${PRIVATE_DETAILS} } }`, { token: admin, variables: { id } }),
    ).approveBackgroundCheck;
    expect(approved.privateDetails.backgroundCheck!.status).toBe('APPROVED');
    expect(approved.privateDetails.onboardingStatus).toMatchObject({ currentStep: 'GO_LIVE', canGoLive: true, missingForGoLive: [] });

    // Go live.
    expect(dataOf<{ goLive: { isLive: boolean } }>(await goLive(id, token)).goLive.isLive).toBe(true);
    expect((await privateDetails(id, token)).onboardingStatus).toMatchObject({ currentStep: 'GO_LIVE', isLive: true, steps: expect.arrayContaining([{ step: 'GO_LIVE', done: true, missing: [] }]) });

    // The public now sees the live profile, with a bio written from the catalog's service names.
    const publicView = await stack.graphql(
      `query($id: ID!) { instructor(id: $id) { displayName bio generatedBio yearsOfExperience timezone area { city state } isLive
         offeredServices { service { id name } hourlyRate { amountMinor currency } lessonModes travelRadiusMiles } } }`,
      { variables: { id } },
    );
    expect(dataOf<{ instructor: unknown }>(publicView).instructor).toEqual({
      displayName: 'Maya Lopez',
      bio: 'Classically trained pianist.',
      generatedBio: 'Maya teaches Piano in Brooklyn, NY with 8 years of experience. Lessons for kids and adults, at your place or online.',
      yearsOfExperience: 8,
      timezone: 'America/New_York',
      area: { city: 'Brooklyn', state: 'NY' },
      isLive: true,
      offeredServices: [{ service: { id: piano.id, name: 'Piano' }, hourlyRate: { amountMinor: 6500, currency: 'USD' }, lessonModes: ['AT_STUDENT_PLACE', 'ONLINE'], travelRadiusMiles: 5 }],
    });

    // Every step left events in the outbox, each valid against its schema, none of the public ones with private data.
    const registry = new EventSchemaRegistry();
    const all = await outboxEvents(stack, 'instructor', id);
    for (const event of all) expect(() => registry.validate(event)).not.toThrow();
    // The Connect account (created, then enabled) went to booking's private channel only.
    expect(all.filter((e) => e.type === InstructorPrivateEventType.PayoutAccountUpdated).map((e) => e.payload)).toMatchObject([
      { instructorId: id, stripeAccountId: accountId, chargesEnabled: false, revision: 1 },
      { instructorId: id, stripeAccountId: accountId, chargesEnabled: true, revision: 2 },
    ]);
    const events = await publicEvents(id);
    expect(events.map((e) => e.type)).toEqual(['instructor.profile-updated', 'instructor.profile-updated', 'instructor.service-offered', 'instructor.went-live']);
    expect(events.map((e) => (e.payload as { revision: number }).revision)).toEqual([1, 2, 3, 4]);
    const live = events[3]!.payload as Record<string, unknown>;
    expect(live).toMatchObject({
      instructorId: id,
      instructor: { displayName: 'Maya Lopez', isLive: true, timezone: 'America/New_York', area: { city: 'Brooklyn', state: 'NY', postalCode: '11201' }, location: { latitude: 40.69, longitude: -73.99 } },
      offeredServices: [{ serviceId: piano.id, hourlyRate: { amountMinor: 6500, currency: 'USD' }, ageGroups: ['kids', 'adults'], lessonModes: ['at_student_place', 'online'], travelRadiusMiles: 5 }],
    });
    const serialised = JSON.stringify(events);
    for (const secret of ['200 Court', 'Apt 3', accountId, session.sessionId, 'background']) expect(serialised).not.toContain(secret);

    // Going offline always works, and says so once.
    const offline = await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token, variables: { id } });
    expect(dataOf<{ goOffline: { isLive: boolean } }>(offline).goOffline.isLive).toBe(false);
    await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { isLive } }`, { token, variables: { id } });
    const after = await publicEvents(id);
    expect(after.slice(4).map((e) => [e.type, (e.payload as { reason: string }).reason])).toEqual([['instructor.went-offline', 'INSTRUCTOR_REQUEST']]);
    expect(errorOf(await stack.graphql(`query($id: ID!) { instructor(id: $id) { id } }`, { variables: { id } }))?.code).toBe('NOT_FOUND');
  });
});

describe('failing go-live', () => {
  it('is refused with the exact list of what is missing, and changes nothing', async () => {
    const { token, id } = await newInstructor('instr-early', 'Early Bird');
    const before = await privateDetails(id, token);
    const eventsBefore = await outboxEvents(stack, 'instructor', id);

    const refused = await goLive(id, token);
    expect(refused.body.data).toBeNull();
    expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', reason: 'GO_LIVE_REQUIREMENTS_MISSING' });
    const missing = errorOf(refused)!.details!.missing as { requirement: string; step: string; message: string }[];
    expect(missing.map((m) => [m.requirement, m.step])).toEqual([
      ['OFFERED_SERVICE', 'SKILLS'],
      ['IDENTITY_VERIFIED', 'VERIFICATION'],
      ['BACKGROUND_CHECK_APPROVED', 'VERIFICATION'],
      ['CONNECT_CHARGES_ENABLED', 'VERIFICATION'],
    ]);
    expect(missing[0]!.message).toMatch(/service/);
    expect(await privateDetails(id, token)).toEqual(before);
    expect(await outboxEvents(stack, 'instructor', id)).toEqual(eventsBefore);

    // With a service offered, exactly the verification requirements remain.
    await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
      token,
      variables: { id, input: { serviceId: services[1]!.id, terms: { ...TERMS, lessonModes: ['ONLINE'] } } },
    });
    const again = errorOf(await goLive(id, token))!;
    expect((again.details!.missing as { requirement: string }[]).map((m) => m.requirement)).toEqual([
      'IDENTITY_VERIFIED',
      'BACKGROUND_CHECK_APPROVED',
      'CONNECT_CHARGES_ENABLED',
    ]);
    expect((await privateDetails(id, token)).onboardingStatus.isLive).toBe(false);
  });

  it('keeps a live instructor at one offered service at least, and goes offline when Stripe withdraws charges', async () => {
    // Covered end to end above up to live; here the invariants around it, on a second instructor.
    const { token, id } = await newInstructor('instr-kept', 'Kept Live');
    const offered = dataOf<{ offerService: { id: string } }>(
      await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
        token,
        variables: { id, input: { serviceId: services[2]!.id, terms: { ...TERMS, lessonModes: ['ONLINE'] } } },
      }),
    ).offerService;
    // Reach live quickly: identity and charges by webhook, the document approved by an admin.
    const session = dataOf<{ startIdentityVerification: { sessionId: string } }>(
      await stack.graphql(`mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId } }`, { token, variables: { id } }),
    ).startIdentityVerification;
    await sendWebhook(stack, identitySessionEvent('verified', { id: session.sessionId }));
    await stack.graphql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url } }`, { token, variables: { id } });
    const accountId = (await privateDetails(id, token)).payoutAccount.stripeAccountId!;
    await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: true }, { created: Math.floor(Date.now() / 1000) - 10 }));
    const png = files.png(5000);
    const grant = dataOf<{ requestBackgroundCheckUpload: { uploadKey: string; uploadUrl: string; headers: { name: string; value: string }[] } }>(
      await stack.graphql(`mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } } }`, {
        token,
        variables: { id, file: { contentType: 'image/png', byteSize: png.length } },
      }),
    ).requestBackgroundCheckUpload;
    await uploadWith(grant, png);
    dataOf(await stack.graphql(`mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { id } }`, { token, variables: { id, key: grant.uploadKey } }));
    const admin = await stack.token({ sub: 'admin-2', roles: ['admin'] });
    dataOf(await stack.graphql(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, { token: admin, variables: { id } }));
    expect(dataOf<{ goLive: { isLive: boolean } }>(await goLive(id, token)).goLive.isLive).toBe(true);

    const removal = await stack.graphql(`mutation($o: ID!) { removeOfferedService(offeredServiceId: $o) { id } }`, { token, variables: { o: offered.id } });
    expect(errorOf(removal)).toMatchObject({ code: 'CONFLICT', reason: 'LAST_SERVICE_WHILE_LIVE' });

    // Stripe withdraws charges: the instructor is no longer payable, so no longer live.
    expect((await sendWebhook(stack, accountUpdatedEvent({ id: accountId, chargesEnabled: false }))).body.outcome).toBe('applied');
    const details = await privateDetails(id, token);
    expect(details.onboardingStatus).toMatchObject({ isLive: false, canGoLive: false, missingForGoLive: [{ requirement: 'CONNECT_CHARGES_ENABLED' }] });
    const last = (await outboxEvents(stack, 'instructor', id)).at(-1)!;
    expect(last).toMatchObject({ type: 'instructor.went-offline', payload: { reason: 'CONNECT_CHARGES_DISABLED', instructor: { isLive: false } } });
  });
});
