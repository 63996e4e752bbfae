import type { Caller } from '@instainstru/platform';
import { requireInstructorRole, requireOwner } from './access.rules';
import { loadProfile } from './profile-lookup.service';
import { instructorEvents } from './instructor.events';
import { InstructorError, InstructorErrorCode, invalidInput } from './instructor.errors';
import type { InstructorDomainDeps } from './instructor.ports';
import type { Address, InstructorProfile } from './instructor.types';
import { checkAddress, checkBio, checkDisplayName, checkTimezone, checkYearsOfExperience, type AddressInput } from './profile.rules';
import { acceptStoredUpload, checkIssuedUpload, grantUpload, keepAcceptedUpload, lockIssuedUpload, type PresignedUploadGrant } from './stored-uploads.service';
import { checkUploadKey } from './uploads.rules';

/** Absent fields stay as they are; `null` clears the fields that may be empty. */
export interface ProfileChanges {
  displayName?: string | null;
  bio?: string | null;
  yearsOfExperience?: number | null;
  timezone?: string | null;
  address?: AddressInput | null;
}

type ProfilePatch = Partial<Pick<InstructorProfile, 'displayName' | 'bio' | 'yearsOfExperience' | 'timezone' | 'address'>>;

export function versionConflict(what: string, currentVersion: number): InstructorError {
  return new InstructorError(InstructorErrorCode.VersionConflict, `The ${what} changed since you loaded it; reload and apply your change again`, {
    currentVersion,
  });
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The welcome step and every edit of the profile itself (fields, address, photo). */
export class ProfileEditing {
  constructor(
    private readonly deps: InstructorDomainDeps,
    private readonly caller: Caller,
  ) {}

  async startOnboarding(input: { displayName: string; timezone?: string | null }): Promise<InstructorProfile> {
    const userId = requireInstructorRole(this.caller);
    const displayName = checkDisplayName(input.displayName);
    const timezone = input.timezone ? checkTimezone(input.timezone) : 'UTC';
    const created = await this.deps.repository.transaction(async (uow) => {
      const profile = await uow.createProfile({ userId, displayName, timezone });
      if (profile) await uow.publish(instructorEvents.profileUpdated(profile, [], ['displayName', 'timezone']));
      return profile;
    });
    if (!created) {
      const existing = await this.deps.repository.findByUserId(userId);
      throw new InstructorError(InstructorErrorCode.ProfileAlreadyExists, 'You already have an instructor profile', { instructorId: existing?.id });
    }
    return created;
  }

  async updateProfile(id: string, expectedVersion: number, changes: ProfileChanges): Promise<InstructorProfile> {
    const current = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    // Everything the caller can get wrong is checked before any I/O; the version both before the
    // (possibly remote) geocoding, to fail fast, and again under the row lock.
    const patch = this.checkedPatch(changes);
    if (current.version !== expectedVersion) throw versionConflict('profile', current.version);
    if (changes.address) {
      patch.address = await this.geocode(changes.address);
      if (patch.timezone === undefined) patch.timezone = this.deps.timezones.timezoneAt(patch.address.location) ?? current.timezone;
    }
    return this.deps.repository.transaction(async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
      if (locked.version !== expectedVersion) throw versionConflict('profile', locked.version);
      const changed = (Object.keys(patch) as (keyof ProfilePatch)[]).filter((k) => !sameValue(patch[k], locked[k]));
      if (changed.length === 0) return locked;
      const next: InstructorProfile = { ...locked, ...patch, version: locked.version + 1, revision: locked.revision + 1 };
      await uow.saveProfile(next);
      await uow.publish(instructorEvents.profileUpdated(next, await uow.offeredServicesOf(id), changed));
      return next;
    });
  }

  async requestPhotoUpload(id: string, file: { contentType: string; byteSize: number }): Promise<PresignedUploadGrant> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    return grantUpload(this.deps, profile.id, 'profile-photo', file);
  }

  /**
   * The photo is checked by its content and size, and a copy typed by its content becomes the
   * profile photo; anything else is deleted and refused. Confirming again changes nothing.
   */
  async confirmPhotoUpload(id: string, uploadKey: string): Promise<InstructorProfile> {
    const profile = requireOwner(this.caller, await loadProfile(this.deps.repository, id), id);
    const key = checkUploadKey(profile.id, 'profile-photo', uploadKey);
    if ((await checkIssuedUpload(this.deps, key, profile.photoKey)) === 'already-kept') return profile;
    const accepted = await acceptStoredUpload(this.deps, profile.id, 'profile-photo', key);
    return keepAcceptedUpload(this.deps, key, accepted, async (uow) => {
      const locked = requireOwner(this.caller, await uow.lockProfile(id), id);
      if ((await lockIssuedUpload(uow, key, locked.photoKey, this.deps.now())) === 'already-kept') return { result: locked, kept: false, replaced: null };
      await uow.markUploadKept(key, accepted.key);
      const next: InstructorProfile = { ...locked, photoKey: accepted.key, version: locked.version + 1, revision: locked.revision + 1 };
      await uow.saveProfile(next);
      await uow.publish(instructorEvents.profileUpdated(next, await uow.offeredServicesOf(id), ['photo']));
      return { result: next, kept: true, replaced: locked.photoKey };
    });
  }

  private checkedPatch(changes: ProfileChanges): ProfilePatch {
    const patch: ProfilePatch = {};
    if (changes.displayName !== undefined) {
      if (changes.displayName === null) throw invalidInput('displayName', 'cannot be cleared');
      patch.displayName = checkDisplayName(changes.displayName);
    }
    if (changes.bio !== undefined) patch.bio = checkBio(changes.bio);
    if (changes.yearsOfExperience !== undefined) patch.yearsOfExperience = checkYearsOfExperience(changes.yearsOfExperience);
    if (changes.timezone !== undefined) {
      if (changes.timezone === null) throw invalidInput('timezone', 'cannot be cleared');
      patch.timezone = checkTimezone(changes.timezone);
    }
    if (changes.address === null) throw invalidInput('address', 'cannot be removed; change it instead');
    if (changes.address) checkAddress(changes.address);
    return patch;
  }

  private async geocode(input: AddressInput): Promise<Address> {
    const address = checkAddress(input);
    const found = await this.deps.geocoder.geocode(address);
    if (!found) {
      throw new InstructorError(InstructorErrorCode.AddressNotFound, `No location found for ZIP code ${address.postalCode}`, { postalCode: address.postalCode });
    }
    if (address.state && address.state !== found.state) {
      throw new InstructorError(InstructorErrorCode.AddressNotFound, `ZIP code ${address.postalCode} is in ${found.state}, not ${address.state}`, {
        postalCode: address.postalCode,
        state: address.state,
      });
    }
    return {
      line1: address.line1,
      line2: address.line2,
      city: address.city ?? found.city,
      state: found.state,
      postalCode: found.postalCode,
      country: address.country,
      location: found.location,
      precision: found.precision,
    };
  }
}
