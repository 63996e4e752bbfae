import { decideGoLive, missingForGoLive, onboardingStatus, type OnboardingFacts } from './onboarding.rules';

const nothingYet: OnboardingFacts = {
  offeredServiceCount: 0,
  identity: { status: 'NOT_STARTED', lastErrorCode: null },
  backgroundCheck: null,
  payoutAccount: { created: false, detailsSubmitted: false, chargesEnabled: false },
  isLive: false,
};

const everything: OnboardingFacts = {
  offeredServiceCount: 2,
  identity: { status: 'VERIFIED', lastErrorCode: null },
  backgroundCheck: { status: 'APPROVED', rejectionReason: null },
  payoutAccount: { created: true, detailsSubmitted: true, chargesEnabled: true },
  isLive: false,
};

const requirements = (facts: OnboardingFacts) => missingForGoLive(facts).map((m) => m.requirement);

describe('onboarding state machine', () => {
  it('starts at the skills step once the profile exists, with everything missing', () => {
    const status = onboardingStatus(nothingYet);
    expect(status.currentStep).toBe('SKILLS');
    expect(status.steps.map((s) => [s.step, s.done])).toEqual([
      ['WELCOME', true],
      ['SKILLS', false],
      ['VERIFICATION', false],
      ['GO_LIVE', false],
    ]);
    expect(status.missingForGoLive.map((m) => [m.requirement, m.step])).toEqual([
      ['OFFERED_SERVICE', 'SKILLS'],
      ['IDENTITY_VERIFIED', 'VERIFICATION'],
      ['BACKGROUND_CHECK_APPROVED', 'VERIFICATION'],
      ['CONNECT_CHARGES_ENABLED', 'VERIFICATION'],
    ]);
    expect(status.canGoLive).toBe(false);
  });

  it('moves to verification when a service is offered, and to go-live when verification is complete', () => {
    expect(onboardingStatus({ ...nothingYet, offeredServiceCount: 1 }).currentStep).toBe('VERIFICATION');
    const ready = onboardingStatus(everything);
    expect(ready).toMatchObject({ currentStep: 'GO_LIVE', canGoLive: true, missingForGoLive: [], isLive: false });
    expect(ready.steps.find((s) => s.step === 'GO_LIVE')!.done).toBe(false);
    expect(onboardingStatus({ ...everything, isLive: true }).steps.every((s) => s.done)).toBe(true);
  });

  it('lets steps be done out of order but keeps the current step at the first one not done', () => {
    const verifiedFirst = onboardingStatus({ ...everything, offeredServiceCount: 0 });
    expect(verifiedFirst.currentStep).toBe('SKILLS');
    expect(verifiedFirst.steps.find((s) => s.step === 'VERIFICATION')!.done).toBe(true);
  });

  it('says exactly what is missing and why', () => {
    const missing = (facts: Partial<OnboardingFacts>) => missingForGoLive({ ...everything, ...facts }).map((m) => m.message);
    expect(missing({ identity: { status: 'PROCESSING', lastErrorCode: null } })).toEqual([expect.stringMatching(/checking your identity/)]);
    expect(missing({ identity: { status: 'REQUIRES_INPUT', lastErrorCode: 'document_expired' } })).toEqual([expect.stringMatching(/document_expired/)]);
    expect(missing({ backgroundCheck: { status: 'PENDING_REVIEW', rejectionReason: null } })).toEqual([expect.stringMatching(/waiting for review/)]);
    expect(missing({ backgroundCheck: { status: 'REJECTED', rejectionReason: 'blurry scan' } })).toEqual([expect.stringMatching(/rejected \(blurry scan\)/)]);
    expect(missing({ payoutAccount: { created: true, detailsSubmitted: false, chargesEnabled: false } })).toEqual(['Finish setting up payouts with Stripe.']);
    expect(missing({ payoutAccount: { created: true, detailsSubmitted: true, chargesEnabled: false } })).toEqual([expect.stringMatching(/not enabled payments/)]);
  });
});

describe('go-live requirements', () => {
  it('go live only with a service, verified identity, approved background check and charges enabled', () => {
    expect(decideGoLive(everything)).toEqual({ kind: 'go-live' });
    expect(requirements({ ...everything, offeredServiceCount: 0 })).toEqual(['OFFERED_SERVICE']);
    expect(requirements({ ...everything, identity: { status: 'CANCELED', lastErrorCode: null } })).toEqual(['IDENTITY_VERIFIED']);
    expect(requirements({ ...everything, backgroundCheck: null })).toEqual(['BACKGROUND_CHECK_APPROVED']);
    expect(requirements({ ...everything, payoutAccount: { created: true, detailsSubmitted: true, chargesEnabled: false } })).toEqual(['CONNECT_CHARGES_ENABLED']);
  });

  it('refuses with the missing list, and is a no-op when already live', () => {
    const refused = decideGoLive({ ...everything, backgroundCheck: { status: 'PENDING_REVIEW', rejectionReason: null }, offeredServiceCount: 0 });
    expect(refused.kind).toBe('refused');
    expect(refused.kind === 'refused' && refused.missing.map((m) => m.requirement)).toEqual(['OFFERED_SERVICE', 'BACKGROUND_CHECK_APPROVED']);
    expect(decideGoLive({ ...everything, isLive: true })).toEqual({ kind: 'already-live' });
  });
});
