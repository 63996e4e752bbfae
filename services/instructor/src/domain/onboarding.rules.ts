import type { BackgroundCheckStatus, IdentityVerificationStatus, InstructorProfile } from './instructor.types';

/**
 * Onboarding as a state machine derived from facts the server holds: welcome → skills →
 * verification → go live. Steps may be worked on in any order; the current step is the first one
 * not done, and going live is the only transition that needs every requirement.
 */
export const ONBOARDING_STEPS = ['WELCOME', 'SKILLS', 'VERIFICATION', 'GO_LIVE'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export type OnboardingRequirement = 'OFFERED_SERVICE' | 'IDENTITY_VERIFIED' | 'BACKGROUND_CHECK_APPROVED' | 'CONNECT_CHARGES_ENABLED';

export interface MissingRequirement {
  requirement: OnboardingRequirement;
  step: OnboardingStep;
  message: string;
}

export interface OnboardingStepStatus {
  step: OnboardingStep;
  done: boolean;
  missing: MissingRequirement[];
}

export interface OnboardingStatus {
  currentStep: OnboardingStep;
  steps: OnboardingStepStatus[];
  missingForGoLive: MissingRequirement[];
  canGoLive: boolean;
  isLive: boolean;
}

/** What onboarding is decided from. */
export interface OnboardingFacts {
  offeredServiceCount: number;
  identity: { status: IdentityVerificationStatus; lastErrorCode: string | null };
  backgroundCheck: { status: BackgroundCheckStatus; rejectionReason: string | null } | null;
  payoutAccount: { created: boolean; detailsSubmitted: boolean; chargesEnabled: boolean };
  isLive: boolean;
}

export function factsOf(profile: InstructorProfile, offeredServiceCount: number): OnboardingFacts {
  return {
    offeredServiceCount,
    identity: { status: profile.identity.status, lastErrorCode: profile.identity.lastErrorCode },
    backgroundCheck: profile.backgroundCheck && { status: profile.backgroundCheck.status, rejectionReason: profile.backgroundCheck.rejectionReason },
    payoutAccount: {
      created: profile.payoutAccount.stripeAccountId !== null,
      detailsSubmitted: profile.payoutAccount.detailsSubmitted,
      chargesEnabled: profile.payoutAccount.chargesEnabled,
    },
    isLive: profile.isLive,
  };
}

function skillsMissing(facts: OnboardingFacts): MissingRequirement[] {
  if (facts.offeredServiceCount > 0) return [];
  return [{ requirement: 'OFFERED_SERVICE', step: 'SKILLS', message: 'Add at least one service you teach, with its rate and lesson options.' }];
}

function identityMessage({ status, lastErrorCode }: OnboardingFacts['identity']): string | null {
  switch (status) {
    case 'VERIFIED':
      return null;
    case 'NOT_STARTED':
      return 'Verify your identity with Stripe Identity.';
    case 'REQUIRES_INPUT':
      return lastErrorCode
        ? `Your identity verification needs another try (Stripe says: ${lastErrorCode}).`
        : 'Finish your identity verification with Stripe Identity.';
    case 'PROCESSING':
      return 'Stripe is checking your identity; this usually takes a few minutes.';
    case 'CANCELED':
      return 'Your identity verification was canceled; start a new one.';
  }
}

function backgroundCheckMessage(check: OnboardingFacts['backgroundCheck']): string | null {
  if (!check) return 'Upload your background check document (PDF, JPEG or PNG, at most 10 MB).';
  switch (check.status) {
    case 'APPROVED':
      return null;
    case 'PENDING_REVIEW':
      return 'Your background check document is waiting for review.';
    case 'REJECTED':
      return `Your background check document was rejected (${check.rejectionReason ?? 'no reason given'}); upload a new one.`;
  }
}

function payoutMessage(account: OnboardingFacts['payoutAccount']): string | null {
  if (account.chargesEnabled) return null;
  if (!account.created) return 'Set up payouts with Stripe so students can pay you.';
  if (!account.detailsSubmitted) return 'Finish setting up payouts with Stripe.';
  return 'Stripe has not enabled payments on your account yet.';
}

function verificationMissing(facts: OnboardingFacts): MissingRequirement[] {
  const entries: [OnboardingRequirement, string | null][] = [
    ['IDENTITY_VERIFIED', identityMessage(facts.identity)],
    ['BACKGROUND_CHECK_APPROVED', backgroundCheckMessage(facts.backgroundCheck)],
    ['CONNECT_CHARGES_ENABLED', payoutMessage(facts.payoutAccount)],
  ];
  return entries.flatMap(([requirement, message]) => (message ? [{ requirement, step: 'VERIFICATION' as const, message }] : []));
}

/** Everything goLive still needs, in step order; empty when it can succeed. */
export function missingForGoLive(facts: OnboardingFacts): MissingRequirement[] {
  return [...skillsMissing(facts), ...verificationMissing(facts)];
}

export function onboardingStatus(facts: OnboardingFacts): OnboardingStatus {
  const skills = skillsMissing(facts);
  const verification = verificationMissing(facts);
  const steps: OnboardingStepStatus[] = [
    // The profile exists, so the welcome step (name and timezone) is behind the instructor.
    { step: 'WELCOME', done: true, missing: [] },
    { step: 'SKILLS', done: skills.length === 0, missing: skills },
    { step: 'VERIFICATION', done: verification.length === 0, missing: verification },
    { step: 'GO_LIVE', done: facts.isLive, missing: [] },
  ];
  const missing = [...skills, ...verification];
  return {
    currentStep: steps.find((s) => !s.done)?.step ?? 'GO_LIVE',
    steps,
    missingForGoLive: missing,
    canGoLive: missing.length === 0,
    isLive: facts.isLive,
  };
}

export type GoLiveDecision = { kind: 'go-live' } | { kind: 'already-live' } | { kind: 'refused'; missing: MissingRequirement[] };

/** The go-live transition: allowed only when nothing is missing. */
export function decideGoLive(facts: OnboardingFacts): GoLiveDecision {
  const missing = missingForGoLive(facts);
  if (missing.length > 0) return { kind: 'refused', missing };
  return facts.isLive ? { kind: 'already-live' } : { kind: 'go-live' };
}
