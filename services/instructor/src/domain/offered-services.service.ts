import { isUuid, type Caller } from '@instainstru/platform';
import { canView, requireOwner } from './access.rules';
import { loadProfile } from './profile-lookup.service';
import { instructorEvents } from './instructor.events';
import { InstructorError, InstructorErrorCode, invalidInput } from './instructor.errors';
import type { InstructorDomainDeps, InstructorUnitOfWork } from './instructor.ports';
import type { InstructorProfile, OfferedService, OfferedServiceTerms } from './instructor.types';
import { checkServiceId, checkTerms, MAX_OFFERED_SERVICES, needsAddress } from './offered-service.rules';
import { versionConflict } from './profile-editing.service';

function offeredServiceNotFound(id: string): InstructorError {
  return new InstructorError(InstructorErrorCode.OfferedServiceNotFound, `No offered service with id "${id.slice(0, 64)}"`, { id: id.slice(0, 64) });
}

function addressRequired(): InstructorError {
  return new InstructorError(
    InstructorErrorCode.AddressRequiredForInPersonLessons,
    "Lessons at the studio or at the student's place need your address on the profile first",
  );
}

/** The skills step: what an instructor teaches and on which terms. */
export class OfferedServices {
  constructor(
    private readonly deps: InstructorDomainDeps,
    private readonly caller: Caller,
  ) {}

  async offer(instructorId: string, serviceId: string, terms: OfferedServiceTerms): Promise<OfferedService> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, instructorId), instructorId);
    const service = checkServiceId(serviceId);
    const checked = checkTerms(terms);
    if (needsAddress(checked) && !profile.address) throw addressRequired();
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(instructorId), instructorId);
      if (needsAddress(checked) && !locked.address) throw addressRequired();
      const offered = await uow.offeredServicesOf(instructorId);
      if (offered.length >= MAX_OFFERED_SERVICES) throw invalidInput('serviceId', `at most ${MAX_OFFERED_SERVICES} services can be offered`);
      const added = await uow.insertOfferedService(instructorId, service, checked);
      if (!added) {
        throw new InstructorError(InstructorErrorCode.ServiceAlreadyOffered, 'You already offer this service; update it instead', {
          offeredServiceId: offered.find((o) => o.serviceId === service)?.id,
        });
      }
      const next = await this.bumpRevision(uow, locked);
      await uow.publish(instructorEvents.serviceOffered(next, [...offered, added], added));
      return added;
    });
  }

  async update(offeredServiceId: string, expectedVersion: number, terms: OfferedServiceTerms): Promise<OfferedService> {
    const { profile, offered } = await this.ownedOfferedService(offeredServiceId);
    const checked = checkTerms(terms);
    if (offered.version !== expectedVersion) throw versionConflict('offered service', offered.version);
    if (needsAddress(checked) && !profile.address) throw addressRequired();
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(profile.id), profile.id);
      const current = await uow.lockOfferedService(offeredServiceId);
      if (!current) throw offeredServiceNotFound(offeredServiceId);
      if (current.version !== expectedVersion) throw versionConflict('offered service', current.version);
      if (needsAddress(checked) && !locked.address) throw addressRequired();
      const saved = await uow.saveOfferedService({ ...current, ...checked, version: current.version + 1 });
      const next = await this.bumpRevision(uow, locked);
      await uow.publish(instructorEvents.serviceUpdated(next, await uow.offeredServicesOf(profile.id), saved));
      return saved;
    });
  }

  /** A live instructor keeps at least one offered service: removing the last one means going offline first. */
  async remove(offeredServiceId: string): Promise<InstructorProfile> {
    const { profile } = await this.ownedOfferedService(offeredServiceId);
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(profile.id), profile.id);
      const current = await uow.lockOfferedService(offeredServiceId);
      if (!current) throw offeredServiceNotFound(offeredServiceId);
      const offered = await uow.offeredServicesOf(profile.id);
      if (locked.isLive && offered.length <= 1) {
        throw new InstructorError(InstructorErrorCode.LastServiceWhileLive, 'A live instructor must offer at least one service; go offline first', {
          offeredServiceId,
        });
      }
      await uow.deleteOfferedService(offeredServiceId);
      const next = await this.bumpRevision(uow, locked);
      await uow.publish(instructorEvents.serviceRemoved(next, offered.filter((o) => o.id !== offeredServiceId), current));
      return next;
    });
  }

  /** NOT_FOUND when the caller cannot see it, FORBIDDEN when it is someone else's. */
  private async ownedOfferedService(id: string): Promise<{ profile: InstructorProfile; offered: OfferedService }> {
    const offered = isUuid(id) ? await this.deps.repository.findOfferedServiceById(id) : null;
    const owner = offered ? await loadProfile(this.deps.repository, offered.instructorId) : null;
    if (!offered || !owner || !canView(this.caller, owner)) throw offeredServiceNotFound(id);
    return { profile: requireOwner(this.caller, owner, owner.id), offered };
  }

  private async bumpRevision(uow: InstructorUnitOfWork, profile: InstructorProfile): Promise<InstructorProfile> {
    const next = { ...profile, revision: profile.revision + 1 };
    await uow.saveProfile(next);
    return next;
  }
}
