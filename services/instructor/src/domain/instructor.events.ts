import type { InstructorStatePayload, NewEvent, OfferedServiceState } from '@instainstru/events';
import type { InstructorProfile, OfferedService } from './instructor.types';

/** Event types the instructor service publishes (schemas in schemas/events/<type>.v1.json). */
export const InstructorEventType = {
  ProfileUpdated: 'instructor.profile-updated',
  ServiceOffered: 'instructor.service-offered',
  ServiceUpdated: 'instructor.service-updated',
  ServiceRemoved: 'instructor.service-removed',
  WentLive: 'instructor.went-live',
  WentOffline: 'instructor.went-offline',
} as const;

/**
 * What discovery may show about an instructor; never the street address, documents or Stripe ids.
 * The location is rounded to 0.01° (about 1 km), so a home address cannot be recovered from it.
 */
export type InstructorListing = InstructorStatePayload['instructor'];

export type OfferedServiceListing = OfferedServiceState;

/**
 * Every event carries the instructor's whole public state (listing and offered services), the
 * owning account (so calendar and booking recognise the instructor as a caller) and its revision,
 * so a consumer can build its read model from any one event and drop older ones.
 */
type InstructorState = InstructorStatePayload;

export type OfflineReason = 'INSTRUCTOR_REQUEST' | 'ADMIN_REQUEST' | 'CONNECT_CHARGES_DISABLED';

export type ProfileUpdatedPayload = InstructorState & { changed: string[] };
export type ServiceOfferedPayload = InstructorState & { offeredService: OfferedServiceListing };
export type ServiceUpdatedPayload = InstructorState & { offeredService: OfferedServiceListing };
export type ServiceRemovedPayload = InstructorState & { offeredServiceId: string; serviceId: string };
export type WentLivePayload = InstructorState;
export type WentOfflinePayload = InstructorState & { reason: OfflineReason };

const approximate = (degrees: number) => Math.round(degrees * 100) / 100;

export function listingOf(profile: InstructorProfile): InstructorListing {
  const address = profile.address;
  return {
    displayName: profile.displayName,
    bio: profile.bio,
    yearsOfExperience: profile.yearsOfExperience,
    timezone: profile.timezone,
    isLive: profile.isLive,
    hasPhoto: profile.photoKey !== null,
    area: address ? { city: address.city, state: address.state, postalCode: address.postalCode } : null,
    location: address ? { latitude: approximate(address.location.latitude), longitude: approximate(address.location.longitude) } : null,
  };
}

export function offeredServiceListing(offered: OfferedService): OfferedServiceListing {
  return {
    offeredServiceId: offered.id,
    serviceId: offered.serviceId,
    hourlyRate: { ...offered.hourlyRate },
    durationsMinutes: [...offered.durationsMinutes],
    ageGroups: [...offered.ageGroups],
    levels: [...offered.levels],
    lessonModes: [...offered.lessonModes],
    travelRadiusMiles: offered.travelRadiusMiles,
  };
}

function state(profile: InstructorProfile, offered: OfferedService[]): InstructorState {
  return { instructorId: profile.id, userId: profile.userId, revision: profile.revision, instructor: listingOf(profile), offeredServices: offered.map(offeredServiceListing) };
}

const event = <P extends object>(type: string, profile: InstructorProfile, payload: P): NewEvent<P> => ({ type, aggregateId: profile.id, payload });

export const instructorEvents = {
  profileUpdated: (profile: InstructorProfile, offered: OfferedService[], changed: string[]) =>
    event<ProfileUpdatedPayload>(InstructorEventType.ProfileUpdated, profile, { ...state(profile, offered), changed }),
  serviceOffered: (profile: InstructorProfile, offered: OfferedService[], added: OfferedService) =>
    event<ServiceOfferedPayload>(InstructorEventType.ServiceOffered, profile, { ...state(profile, offered), offeredService: offeredServiceListing(added) }),
  serviceUpdated: (profile: InstructorProfile, offered: OfferedService[], updated: OfferedService) =>
    event<ServiceUpdatedPayload>(InstructorEventType.ServiceUpdated, profile, { ...state(profile, offered), offeredService: offeredServiceListing(updated) }),
  serviceRemoved: (profile: InstructorProfile, offered: OfferedService[], removed: OfferedService) =>
    event<ServiceRemovedPayload>(InstructorEventType.ServiceRemoved, profile, { ...state(profile, offered), offeredServiceId: removed.id, serviceId: removed.serviceId }),
  wentLive: (profile: InstructorProfile, offered: OfferedService[]) => event<WentLivePayload>(InstructorEventType.WentLive, profile, state(profile, offered)),
  wentOffline: (profile: InstructorProfile, offered: OfferedService[], reason: OfflineReason) =>
    event<WentOfflinePayload>(InstructorEventType.WentOffline, profile, { ...state(profile, offered), reason }),
};
