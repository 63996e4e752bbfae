import type { Caller } from '@instainstru/platform';
import { requireOwner, requireOwnerOrAdmin } from './access.rules';
import { loadProfile } from './profile-lookup.service';
import { instructorEvents } from './instructor.events';
import { InstructorError, InstructorErrorCode } from './instructor.errors';
import type { InstructorDomainDeps } from './instructor.ports';
import type { InstructorProfile } from './instructor.types';
import { decideGoLive, factsOf } from './onboarding.rules';

/** The last onboarding step, and its way back. */
export class LiveStatus {
  constructor(
    private readonly deps: InstructorDomainDeps,
    private readonly caller: Caller,
  ) {}

  /** Succeeds only when nothing is missing; otherwise CONFLICT with the exact list and nothing changes. */
  async goLive(id: string): Promise<InstructorProfile> {
    requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
      const offered = await uow.offeredServicesOf(id);
      const decision = decideGoLive(factsOf(locked, offered.length));
      if (decision.kind === 'refused') {
        throw new InstructorError(
          InstructorErrorCode.GoLiveRequirementsMissing,
          `Not ready to go live: ${decision.missing.map((m) => m.message).join(' ')}`,
          { missing: decision.missing },
        );
      }
      if (decision.kind === 'already-live') return locked;
      const next: InstructorProfile = { ...locked, isLive: true, wentLiveAt: this.deps.now().toISOString(), revision: locked.revision + 1 };
      await uow.saveProfile(next);
      await uow.publish(instructorEvents.wentLive(next, offered));
      return next;
    });
  }

  /** Always allowed for the instructor (and admins); a no-op when already offline. */
  async goOffline(id: string): Promise<InstructorProfile> {
    const profile = requireOwnerOrAdmin(this.caller, await loadProfile(this.deps.repository, id), id);
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwnerOrAdmin(this.caller, await uow.lockProfile(profile.id), id);
      if (!locked.isLive) return locked;
      const next: InstructorProfile = { ...locked, isLive: false, revision: locked.revision + 1 };
      await uow.saveProfile(next);
      const reason = this.caller.userId === locked.userId ? 'INSTRUCTOR_REQUEST' : 'ADMIN_REQUEST';
      await uow.publish(instructorEvents.wentOffline(next, await uow.offeredServicesOf(id), reason));
      return next;
    });
  }
}
