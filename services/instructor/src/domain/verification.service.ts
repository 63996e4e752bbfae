import { isUuid, type Caller } from '@instainstru/platform';
import { notFound, requireAdmin, requireOwner } from './access.rules';
import { saveWithPayoutAccount } from './payout-account.service';
import { loadProfile } from './profile-lookup.service';
import { InstructorError, InstructorErrorCode, invalidInput } from './instructor.errors';
import type { IdentitySession, InstructorDomainDeps } from './instructor.ports';
import type { BackgroundCheck, InstructorProfile } from './instructor.types';
import { acceptStoredUpload, checkIssuedUpload, grantUpload, keepAcceptedUpload, lockIssuedUpload, type PresignedUploadGrant } from './stored-uploads.service';
import { checkUploadKey } from './uploads.rules';

function alreadyVerified(): InstructorError {
  return new InstructorError(InstructorErrorCode.IdentityAlreadyVerified, 'Your identity is already verified');
}

function alreadyApproved(): InstructorError {
  return new InstructorError(InstructorErrorCode.BackgroundCheckAlreadyApproved, 'Your background check is already approved');
}

/**
 * The verification step: Stripe Identity, the Stripe Connect account and the background check
 * document. Provider calls happen outside database transactions; when the write that follows a
 * provider call fails, the provider-side object is undone (compensation).
 */
export class Verification {
  constructor(
    private readonly deps: InstructorDomainDeps,
    private readonly caller: Caller,
  ) {}

  async startIdentityVerification(id: string): Promise<IdentitySession> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    if (profile.identity.status === 'VERIFIED') throw alreadyVerified();
    const attempt = profile.identity.attempts + 1;
    const session = await this.deps.identity.createSession({
      instructorId: profile.id,
      // A retry of this same attempt (say after a timeout) gets the same session back from Stripe.
      idempotencyKey: `instructor-identity:${profile.id}:${attempt}`,
      returnUrl: `${this.deps.appUrl}/instructor/onboarding/verification`,
    });
    try {
      await this.deps.repository.transaction(async (uow) => {
        const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
        if (locked.identity.status === 'VERIFIED') throw alreadyVerified();
        await uow.saveProfile({
          ...locked,
          identity: { ...locked.identity, status: 'REQUIRES_INPUT', sessionId: session.id, attempts: locked.identity.attempts + 1, lastErrorCode: null, lastEventAt: null },
        });
      });
    } catch (error) {
      await this.compensate('identity session', () => this.deps.identity.cancelSession(session.id));
      throw error;
    }
    return session;
  }

  async startPayoutAccountOnboarding(id: string): Promise<{ url: string; expiresAt: string }> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    let accountId = profile.payoutAccount.stripeAccountId;
    if (!accountId) {
      // One account per instructor: concurrent first calls share the idempotency key, so Stripe
      // returns the same account to both.
      const created = await this.deps.payouts.createAccount({ instructorId: profile.id, idempotencyKey: `instructor-connect-account:${profile.id}` });
      try {
        accountId = await this.deps.repository.transaction(async (uow) => {
          const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
          if (locked.payoutAccount.stripeAccountId) return locked.payoutAccount.stripeAccountId;
          // Booking learns of the new account (private channel) in this same transaction.
          await saveWithPayoutAccount(uow, { ...locked, payoutAccount: { ...locked.payoutAccount, stripeAccountId: created.id } }, locked.payoutAccount, this.deps.now());
          return created.id;
        });
      } catch (error) {
        await this.compensate('connect account', () => this.deps.payouts.deleteAccount(created.id));
        throw error;
      }
      if (accountId !== created.id) await this.compensate('duplicate connect account', () => this.deps.payouts.deleteAccount(created.id));
    }
    const page = `${this.deps.appUrl}/instructor/onboarding/payouts`;
    const link = await this.deps.payouts.createOnboardingLink({ accountId, refreshUrl: `${page}?refresh=1`, returnUrl: page });
    return { url: link.url, expiresAt: link.expiresAt.toISOString() };
  }

  async requestBackgroundCheckUpload(id: string, file: { contentType: string; byteSize: number }): Promise<PresignedUploadGrant> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    if (profile.backgroundCheck?.status === 'APPROVED') throw alreadyApproved();
    return grantUpload(this.deps, profile.id, 'background-check', file);
  }

  /**
   * Checks existence, size and magic bytes; anything else is deleted and refused. A copy typed by its
   * content, under a key no upload URL names, is what waits for review. Confirming again changes nothing.
   */
  async confirmBackgroundCheckUpload(id: string, uploadKey: string): Promise<InstructorProfile> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    const key = checkUploadKey(profile.id, 'background-check', uploadKey);
    if ((await checkIssuedUpload(this.deps, key, profile.backgroundCheck?.objectKey ?? null)) === 'already-kept') return profile;
    if (profile.backgroundCheck?.status === 'APPROVED') throw alreadyApproved();
    const accepted = await acceptStoredUpload(this.deps, profile.id, 'background-check', key);
    return keepAcceptedUpload(this.deps, key, accepted, async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
      const previous = locked.backgroundCheck;
      if ((await lockIssuedUpload(uow, key, previous?.objectKey ?? null, this.deps.now())) === 'already-kept') return { result: locked, kept: false, replaced: null };
      if (previous?.status === 'APPROVED') throw alreadyApproved();
      await uow.markUploadKept(key, accepted.key);
      const check: BackgroundCheck = {
        status: 'PENDING_REVIEW',
        objectKey: accepted.key,
        contentType: accepted.contentType,
        byteSize: accepted.byteSize,
        submittedAt: this.deps.now().toISOString(),
        reviewedAt: null,
        reviewedBy: null,
        rejectionReason: null,
      };
      const next = { ...locked, backgroundCheck: check };
      await uow.saveProfile(next);
      return { result: next, kept: true, replaced: previous?.objectKey ?? null };
    });
  }

  approveBackgroundCheck(id: string): Promise<InstructorProfile> {
    return this.review(id, { status: 'APPROVED', rejectionReason: null });
  }

  rejectBackgroundCheck(id: string, reason: string): Promise<InstructorProfile> {
    const trimmed = reason.trim();
    if (trimmed.length < 3 || trimmed.length > 500) throw invalidInput('reason', 'explain the rejection in 3 to 500 characters');
    return this.review(id, { status: 'REJECTED', rejectionReason: trimmed });
  }

  private async review(id: string, decision: Pick<BackgroundCheck, 'status' | 'rejectionReason'>): Promise<InstructorProfile> {
    const adminId = requireAdmin(this.caller);
    if (!isUuid(id)) throw notFound(id);
    return this.deps.repository.transaction(async (uow) => {
      const locked = await uow.lockProfile(id);
      if (!locked) throw notFound(id);
      const check = locked.backgroundCheck;
      if (check?.status !== 'PENDING_REVIEW') {
        throw new InstructorError(InstructorErrorCode.BackgroundCheckNotPending, 'There is no background check document waiting for review', {
          status: check?.status ?? null,
        });
      }
      const next = { ...locked, backgroundCheck: { ...check, ...decision, reviewedAt: this.deps.now().toISOString(), reviewedBy: adminId } };
      await uow.saveProfile(next);
      return next;
    });
  }

  private async compensate(what: string, undo: () => Promise<void>): Promise<void> {
    try {
      await undo();
    } catch (err) {
      this.deps.warn(`compensation failed: could not undo the ${what}`, { err });
    }
  }
}
