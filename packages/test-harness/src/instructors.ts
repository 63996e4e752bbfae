/** Instructors through the gateway, as the instructor app drives the instructor service. */
import type { TestStack } from './gateway-stack';
import { dataOf } from './graphql';
import { files, uploadWith } from './object-storage';
import { accountUpdatedEvent, identitySessionEvent, sendWebhook } from './stripe-webhooks';

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

/** The catalog's services by name (e.g. `Piano`), read through the gateway. */
export async function serviceIdsByName(stack: TestStack): Promise<Record<string, string>> {
  const { categories } = dataOf<{ categories: { services: { id: string; name: string }[] }[] }>(await stack.graphql('{ categories { services { id name } } }'));
  return Object.fromEntries(categories.flatMap((c) => c.services.map((s) => [s.name, s.id])));
}

export interface TestInstructor {
  id: string;
  token: string;
  offeredServiceId: string;
  /** The version of the offered service, for updateOfferedService. */
  offeredVersion: number;
}

/**
 * An instructor taken to live through the gateway the quick way (identity and charges by webhook,
 * the background check approved by an admin), offering one service with the given age groups.
 */
export async function liveInstructor(
  stack: TestStack,
  options: { sub: string; displayName: string; serviceId: string; ageGroups: string[]; postalCode?: string; bio?: string },
): Promise<TestInstructor> {
  const token = await stack.token({ sub: options.sub, roles: ['instructor'] });
  const gql = <T>(query: string, variables: Record<string, unknown>, as = token) => stack.graphql(query, { token: as, variables }).then((r) => dataOf<T>(r));
  const { startInstructorOnboarding } = await gql<{ startInstructorOnboarding: { id: string } }>(
    `mutation($input: StartInstructorOnboardingInput!) { startInstructorOnboarding(input: $input) { id } }`,
    { input: { displayName: options.displayName, timezone: 'America/New_York' } },
  );
  const id = startInstructorOnboarding.id;
  if (options.postalCode || options.bio) {
    const { instructor } = await gql<{ instructor: { privateDetails: { version: number } } }>(`query($id: ID!) { instructor(id: $id) { privateDetails { version } } }`, { id });
    await gql(`mutation($id: ID!, $v: Int!, $input: UpdateInstructorProfileInput!) { updateInstructorProfile(instructorId: $id, expectedVersion: $v, input: $input) { id } }`, {
      id,
      v: instructor.privateDetails.version,
      input: { ...(options.postalCode ? { address: { line1: '1 Main St', postalCode: options.postalCode } } : {}), ...(options.bio ? { bio: options.bio } : {}) },
    });
  }
  const { offerService } = await gql<{ offerService: { id: string; version: number } }>(
    `mutation($id: ID!, $input: OfferServiceInput!) { offerService(instructorId: $id, input: $input) { id version } }`,
    { id, input: { serviceId: options.serviceId, terms: { ...TERMS, ageGroups: options.ageGroups, lessonModes: ['ONLINE'] } } },
  );
  const { startIdentityVerification } = await gql<{ startIdentityVerification: { sessionId: string } }>(
    `mutation($id: ID!) { startIdentityVerification(instructorId: $id) { sessionId } }`,
    { id },
  );
  await sendWebhook(stack, identitySessionEvent('verified', { id: startIdentityVerification.sessionId, instructorId: id }));
  await gql(`mutation($id: ID!) { startPayoutAccountOnboarding(instructorId: $id) { url } }`, { id });
  const { instructor } = await gql<{ instructor: { privateDetails: { payoutAccount: { stripeAccountId: string } } } }>(
    `query($id: ID!) { instructor(id: $id) { privateDetails { payoutAccount { stripeAccountId } } } }`,
    { id },
  );
  await sendWebhook(stack, accountUpdatedEvent({ id: instructor.privateDetails.payoutAccount.stripeAccountId, chargesEnabled: true }));
  const png = files.png(2000);
  const { requestBackgroundCheckUpload: grant } = await gql<{ requestBackgroundCheckUpload: { uploadKey: string; uploadUrl: string; headers: { name: string; value: string }[] } }>(
    `mutation($id: ID!, $file: UploadRequestInput!) { requestBackgroundCheckUpload(instructorId: $id, file: $file) { uploadKey uploadUrl headers { name value } } }`,
    { id, file: { contentType: 'image/png', byteSize: png.length } },
  );
  await uploadWith(grant, png);
  await gql(`mutation($id: ID!, $key: String!) { confirmBackgroundCheckUpload(instructorId: $id, uploadKey: $key) { id } }`, { id, key: grant.uploadKey });
  const admin = await stack.token({ sub: 'catalog-test-admin', roles: ['admin'] });
  await gql(`mutation($id: ID!) { approveBackgroundCheck(instructorId: $id) { id } }`, { id }, admin);
  await gql(`mutation($id: ID!) { goLive(instructorId: $id) { isLive } }`, { id });
  return { id, token, offeredServiceId: offerService.id, offeredVersion: offerService.version };
}
