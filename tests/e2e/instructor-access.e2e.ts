import { randomUUID } from 'node:crypto';
import { dataOf, errorOf, instructorSql, outboxEvents, startStack, TERMS, type TestStack } from '@instainstru/test-harness';
import { createInstructorModule } from '../../services/instructor/src/module';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ instructor: (deps) => createInstructorModule(deps).subgraph() });
});

afterAll(() => stack?.stop());

const UPDATE = `mutation($id: ID!, $v: Int!, $input: UpdateInstructorProfileInput!) {
  updateInstructorProfile(instructorId: $id, expectedVersion: $v, input: $input) { displayName bio privateDetails { version } }
}`;

async function newInstructor(sub: string, displayName = 'Access Tester') {
  const token = await stack.token({ sub, roles: ['instructor'] });
  const id = dataOf<{ startInstructorOnboarding: { id: string } }>(
    await stack.graphql(`mutation($name: String!) { startInstructorOnboarding(input: { displayName: $name }) { id } }`, { token, variables: { name: displayName } }),
  ).startInstructorOnboarding.id;
  return { token, id };
}

/** Marks a profile live behind the API's back, as if it had gone through onboarding (covered in instructor-onboarding). */
async function makeLive(id: string) {
  await instructorSql(
    stack,
    `update instructor_profile set is_live = true, identity_status = 'VERIFIED', identity_session_id = 'vs_private_' || left(id::text, 8),
       stripe_account_id = 'acct_private_' || left(id::text, 8), connect_charges_enabled = true where id = $1`,
    [id],
  );
}

const profileRow = (id: string) =>
  instructorSql<{ display_name: string; bio: string | null; version: number }>(stack, `select display_name, bio, version from instructor_profile where id = $1`, [id]);

describe('only the instructor edits their own profile', () => {
  it("another instructor cannot edit someone's profile, services or status", async () => {
    const owner = await newInstructor('acc-owner', 'Olivia Owner');
    const other = await newInstructor('acc-other');
    const offered = dataOf<{ offerService: { id: string; version: number } }>(
      await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id version } }`, {
        token: owner.token,
        variables: { id: owner.id, input: { serviceId: randomUUID(), terms: { ...TERMS, lessonModes: ['ONLINE'] } } },
      }),
    ).offerService;
    const before = await profileRow(owner.id);
    const eventsBefore = await outboxEvents(stack, 'instructor', owner.id);

    // Not live: to anyone else it does not exist.
    const hidden = await stack.graphql(UPDATE, { token: other.token, variables: { id: owner.id, v: 1, input: { displayName: 'Hijacked' } } });
    expect(errorOf(hidden)).toMatchObject({ code: 'NOT_FOUND', reason: 'INSTRUCTOR_NOT_FOUND' });

    // Live: visible, but still not theirs to change.
    await makeLive(owner.id);
    const attempts: [string, Record<string, unknown>][] = [
      [UPDATE, { id: owner.id, v: 1, input: { displayName: 'Hijacked' } }],
      [`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, { id: owner.id, input: { serviceId: randomUUID(), terms: { ...TERMS, lessonModes: ['ONLINE'] } } }],
      [`mutation($o: ID!, $terms: OfferedServiceTermsInput!) { updateOfferedService(offeredServiceId: $o, expectedVersion: 1, terms: $terms) { id } }`, { o: offered.id, terms: { ...TERMS, lessonModes: ['ONLINE'] } }],
      [`mutation($o: ID!) { removeOfferedService(offeredServiceId: $o) { id } }`, { o: offered.id }],
      [`mutation($id: ID!) { goOffline(instructorId: $id) { id } }`, { id: owner.id }],
      [`mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId } }`, { id: owner.id }],
      [`mutation($id: ID!) { requestBackgroundCheckUpload(instructorId: $id, file: { contentType: "application/pdf", byteSize: 100 }) { uploadKey } }`, { id: owner.id }],
    ];
    for (const [mutation, variables] of attempts) {
      const result = await stack.graphql(mutation, { token: other.token, variables });
      expect({ mutation: mutation.slice(0, 60), error: errorOf(result) }).toMatchObject({ error: { code: 'FORBIDDEN', reason: 'NOT_PROFILE_OWNER' } });
    }
    // Admins see everything but edit nobody's profile.
    const admin = await stack.token({ sub: 'admin-acc', roles: ['admin'] });
    expect(errorOf(await stack.graphql(UPDATE, { token: admin, variables: { id: owner.id, v: 1, input: { bio: 'x' } } }))?.reason).toBe('NOT_PROFILE_OWNER');

    expect(await profileRow(owner.id)).toEqual(before);
    expect(await outboxEvents(stack, 'instructor', owner.id)).toEqual(eventsBefore);
    // ... but may take it offline (moderation), which is recorded as such.
    dataOf(await stack.graphql(`mutation($id: ID!) { goOffline(instructorId: $id) { id } }`, { token: admin, variables: { id: owner.id } }));
    expect((await outboxEvents(stack, 'instructor', owner.id)).at(-1)).toMatchObject({ type: 'instructor.went-offline', payload: { reason: 'ADMIN_REQUEST' } });
  });

  it('lets only signed-in instructors start onboarding, once', async () => {
    const anonymous = await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Anon" }) { id } }`);
    expect(errorOf(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SIGN_IN_REQUIRED' });
    const student = await stack.token({ sub: 'acc-student', roles: ['student'] });
    expect(errorOf(await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Stu" }) { id } }`, { token: student }))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'INSTRUCTOR_ROLE_REQUIRED',
    });
    const { token, id } = await newInstructor('acc-twice');
    expect(errorOf(await stack.graphql(`mutation { startInstructorOnboarding(input: { displayName: "Again" }) { id } }`, { token }))).toMatchObject({
      code: 'CONFLICT',
      reason: 'PROFILE_ALREADY_EXISTS',
      details: { instructorId: id },
    });
    expect(dataOf<{ myInstructorProfile: { id: string } }>(await stack.graphql(`{ myInstructorProfile { id } }`, { token })).myInstructorProfile.id).toBe(id);
    expect(dataOf<{ myInstructorProfile: null }>(await stack.graphql(`{ myInstructorProfile { id } }`, { token: student })).myInstructorProfile).toBeNull();
  });
});

describe('the public view', () => {
  it('shows live instructors’ public fields only; address, documents, Stripe ids and verification stay private', async () => {
    const { token, id } = await newInstructor('acc-public', 'Pablo Public');
    dataOf(
      await stack.graphql(UPDATE, {
        token,
        variables: { id, v: 1, input: { bio: 'Guitar since 1999', address: { line1: '55 Water St', line2: 'Studio 9', postalCode: '10041' } } },
      }),
    );
    await makeLive(id);

    const everything = `query($id: ID!) { instructor(id: $id) {
      id displayName bio timezone area { city state } isLive photoUrl offeredServices { id }
      privateDetails { version address { line1 postalCode } identityVerification { sessionId } payoutAccount { stripeAccountId } backgroundCheck { status } } } }`;
    const anonymous = await stack.graphql(everything, { variables: { id } });
    expect(anonymous.body.data).toEqual({
      instructor: { id, displayName: 'Pablo Public', bio: 'Guitar since 1999', timezone: 'America/New_York', area: { city: 'New York', state: 'NY' }, isLive: true, photoUrl: null, offeredServices: [], privateDetails: null },
    });
    expect(errorOf(anonymous)).toMatchObject({ code: 'FORBIDDEN', reason: 'PRIVATE_DETAILS_HIDDEN' });
    expect((anonymous.body.errors?.[0] as { path?: unknown } | undefined)?.path).toEqual(['instructor', 'privateDetails']);
    const text = JSON.stringify(anonymous.body);
    for (const secret of ['55 Water', 'Studio 9', '10041', 'acct_private', 'vs_private']) expect(text).not.toContain(secret);

    const stranger = await stack.graphql(everything, { token: await stack.token({ sub: 'acc-stranger', roles: ['instructor'] }), variables: { id } });
    expect((stranger.body.data!.instructor as { privateDetails: unknown }).privateDetails).toBeNull();

    const admin = await stack.graphql(everything, { token: await stack.token({ sub: 'admin-view', roles: ['admin'] }), variables: { id } });
    expect((admin.body.data!.instructor as { privateDetails: unknown }).privateDetails).toEqual({
      version: 2,
      address: { line1: '55 Water St', postalCode: '10041' },
      identityVerification: { sessionId: `vs_private_${id.slice(0, 8)}` },
      payoutAccount: { stripeAccountId: `acct_private_${id.slice(0, 8)}` },
      backgroundCheck: null,
    });

    // The schema itself: the Instructor type carries nothing private outside privateDetails
    // (nextAvailableSlots comes from the availability service, rating and reviews from the reviews service: both public).
    const schema = dataOf<{ __type: { fields: { name: string }[] } }>(await stack.graphql(`{ __type(name: "Instructor") { fields { name } } }`));
    expect(schema.__type.fields.map((f) => f.name).sort()).toEqual(
      ['area', 'bio', 'displayName', 'generatedBio', 'id', 'isLive', 'nextAvailableSlots', 'offeredServices', 'photoUrl', 'privateDetails', 'rating', 'reviews', 'timezone', 'yearsOfExperience'].sort(),
    );
  });
});

describe('concurrent edits', () => {
  it('do not silently overwrite each other: a stale version gets CONFLICT with the current one', async () => {
    const { token, id } = await newInstructor('acc-concurrent');
    // Two tabs load version 1; the first saves.
    dataOf(await stack.graphql(UPDATE, { token, variables: { id, v: 1, input: { bio: 'From tab one' } } }));
    const stale = await stack.graphql(UPDATE, { token, variables: { id, v: 1, input: { displayName: 'From tab two' } } });
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', details: { currentVersion: 2 } });
    expect(await profileRow(id)).toEqual([{ display_name: 'Access Tester', bio: 'From tab one', version: 2 }]);

    // Racing saves from the same version: exactly one wins.
    const racing = await Promise.all(['a', 'b', 'c', 'd'].map((tab) => stack.graphql(UPDATE, { token, variables: { id, v: 2, input: { bio: `Tab ${tab}` } } })));
    expect(racing.filter((r) => !r.body.errors).length).toBe(1);
    expect(racing.filter((r) => errorOf(r)?.reason === 'VERSION_CONFLICT').length).toBe(3);
    expect((await profileRow(id))[0]!.version).toBe(3);

    // Offered services carry their own version.
    const offered = dataOf<{ offerService: { id: string } }>(
      await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
        token,
        variables: { id, input: { serviceId: randomUUID(), terms: { ...TERMS, lessonModes: ['ONLINE'] } } },
      }),
    ).offerService;
    const updateTerms = (v: number, amountMinor: number) =>
      stack.graphql(`mutation($o: ID!, $v: Int!, $terms: OfferedServiceTermsInput!) { updateOfferedService(offeredServiceId: $o, expectedVersion: $v, terms: $terms) { version hourlyRate { amountMinor } } }`, {
        token,
        variables: { o: offered.id, v, terms: { ...TERMS, lessonModes: ['ONLINE'], hourlyRate: { amountMinor, currency: 'usd' } } },
      });
    expect(dataOf(await updateTerms(1, 7000))).toEqual({ updateOfferedService: { version: 2, hourlyRate: { amountMinor: 7000 } } });
    expect(errorOf(await updateTerms(1, 9000))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', details: { currentVersion: 2 } });
  });
});

describe('failing profile and service edits change nothing', () => {
  it('answers bad input with a stable code', async () => {
    const { token, id } = await newInstructor('acc-input');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ timezone: 'Mars/Olympus_Mons' }, 'BAD_USER_INPUT', 'INVALID_TIMEZONE'],
      [{ displayName: '   ' }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [{ yearsOfExperience: 120 }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [{ address: { line1: '1 Main St', postalCode: '00000' } }, 'BAD_USER_INPUT', 'ADDRESS_NOT_FOUND'],
      [{ address: { line1: '1 Main St', postalCode: '11201', state: 'CA' } }, 'BAD_USER_INPUT', 'ADDRESS_NOT_FOUND'],
      [{ address: { line1: '1 Main St', postalCode: 'SW1A 1AA', country: 'GB' } }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
    ];
    for (const [input, code, reason] of cases) {
      expect({ input, error: errorOf(await stack.graphql(UPDATE, { token, variables: { id, v: 1, input } })) }).toMatchObject({ input, error: { code, reason } });
    }
    const offer = (serviceId: string, terms: Record<string, unknown>) =>
      stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
        token,
        variables: { id, input: { serviceId, terms: { ...TERMS, ...terms } } },
      });
    expect(errorOf(await offer(randomUUID(), { lessonModes: ['AT_STUDIO'] }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'ADDRESS_REQUIRED_FOR_IN_PERSON_LESSONS' });
    expect(errorOf(await offer(randomUUID(), { lessonModes: ['ONLINE'], travelRadiusMiles: 3 }))).toMatchObject({ details: { field: 'travelRadiusMiles' } });
    expect(errorOf(await offer(randomUUID(), { lessonModes: ['ONLINE'], hourlyRate: { amountMinor: 10, currency: 'USD' } }))).toMatchObject({ details: { field: 'hourlyRate.amountMinor' } });
    expect(errorOf(await offer(randomUUID(), { lessonModes: ['ONLINE'], durationsMinutes: [50] }))).toMatchObject({ details: { field: 'durationsMinutes' } });
    expect(errorOf(await offer(randomUUID(), { lessonModes: ['ONLINE'], ageGroups: [] }))).toMatchObject({ details: { field: 'ageGroups' } });
    expect(errorOf(await offer('piano', { lessonModes: ['ONLINE'] }))).toMatchObject({ details: { field: 'serviceId' } });
    const serviceId = randomUUID();
    dataOf(await offer(serviceId, { lessonModes: ['ONLINE'] }));
    expect(errorOf(await offer(serviceId, { lessonModes: ['ONLINE'] }))).toMatchObject({ code: 'CONFLICT', reason: 'SERVICE_ALREADY_OFFERED' });

    expect(await profileRow(id)).toEqual([{ display_name: 'Access Tester', bio: null, version: 1 }]);
    expect((await outboxEvents(stack, 'instructor', id)).map((e) => e.type)).toEqual(['instructor.profile-updated', 'instructor.service-offered']);
  });

  it('validates the whole input before writing: valid changes next to one invalid nested value are not applied', async () => {
    const { token, id } = await newInstructor('acc-partial');
    const READ = `query($id: ID!) { instructor(id: $id) { displayName bio yearsOfExperience timezone
      offeredServices { id hourlyRate { amountMinor currency } durationsMinutes description version }
      privateDetails { version address { line1 postalCode } } } }`;
    const profile = async () => dataOf<{ instructor: unknown }>(await stack.graphql(READ, { token, variables: { id } })).instructor;
    const serviceId = randomUUID();
    dataOf(
      await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
        token,
        variables: { id, input: { serviceId, terms: { ...TERMS, lessonModes: ['ONLINE'] } } },
      }),
    );
    const before = await profile();
    const eventsBefore = (await outboxEvents(stack, 'instructor', id)).length;
    const valid = { displayName: 'Renamed', bio: 'A new bio', yearsOfExperience: 12, timezone: 'America/Denver' };
    const profileCases: [Record<string, unknown>, string][] = [
      [{ ...valid, address: { line1: '1 Main St', postalCode: '11201', state: 'N1' } }, 'address.state'],
      [{ ...valid, address: { line1: '1 Main St', postalCode: '11201', city: 'x'.repeat(101) } }, 'address.city'],
      [{ ...valid, address: { line1: '1 Main St', postalCode: '11201', line2: 'Apt\u00073' } }, 'address.line2'],
      [{ ...valid, address: { line1: '   ', postalCode: '11201' } }, 'address.line1'],
      [{ ...valid, address: { line1: '1 Main St', postalCode: '112' } }, 'address.postalCode'],
      [{ ...valid, yearsOfExperience: 81 }, 'yearsOfExperience'],
      [{ ...valid, bio: 'b'.repeat(2001) }, 'bio'],
    ];
    for (const [input, field] of profileCases) {
      const result = await stack.graphql(UPDATE, { token, variables: { id, v: 1, input } });
      expect({ field, data: result.body.data, error: errorOf(result) }).toEqual({
        field,
        data: null,
        error: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', details: { field, problem: expect.any(String) } },
      });
    }
    const offered = (before as { offeredServices: { id: string }[] }).offeredServices[0]!;
    const termsCases: [Record<string, unknown>, string][] = [
      [{ ...TERMS, lessonModes: ['ONLINE'], hourlyRate: { amountMinor: 9000, currency: 'XXQ' } }, 'hourlyRate.currency'],
      [{ ...TERMS, lessonModes: ['ONLINE'], durationsMinutes: [30, 45, 61] }, 'durationsMinutes'],
      [{ ...TERMS, lessonModes: ['ONLINE'], description: 'd'.repeat(1001) }, 'description'],
    ];
    for (const [terms, field] of termsCases) {
      const update = await stack.graphql(
        `mutation($o: ID!, $terms: OfferedServiceTermsInput!) { updateOfferedService(offeredServiceId: $o, expectedVersion: 1, terms: $terms) { version } }`,
        { token, variables: { o: offered.id, terms } },
      );
      expect({ field, data: update.body.data, error: errorOf(update) }).toEqual({ field, data: null, error: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', details: { field, problem: expect.any(String) } } });
      const offer = await stack.graphql(`mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id } }`, {
        token,
        variables: { id, input: { serviceId: randomUUID(), terms } },
      });
      expect({ field, data: offer.body.data, error: errorOf(offer) }).toEqual({ field, data: null, error: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', details: { field, problem: expect.any(String) } } });
    }
    // A page size another service would refuse in the mutation's answer stops the mutation before it writes.
    for (const first of [0, 51]) {
      const result = await stack.graphql(
        `mutation($id: ID!, $input: UpdateInstructorProfileInput!, $first: Int) { updateInstructorProfile(instructorId: $id, expectedVersion: 1, input: $input) { id nextAvailableSlots(first: $first) { startsAt } } }`,
        { token, variables: { id, input: valid, first } },
      );
      expect(result.body.data ?? null).toBeNull();
      expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_PAGE_SIZE', details: { field: 'Instructor.nextAvailableSlots', first, max: 50 } });
    }
    // Read back: nothing changed, the version and the revision included, and no event went out.
    expect(await profile()).toEqual(before);
    expect(await profileRow(id)).toEqual([{ display_name: 'Access Tester', bio: null, version: 1 }]);
    expect(await outboxEvents(stack, 'instructor', id)).toHaveLength(eventsBefore);
  });
});
