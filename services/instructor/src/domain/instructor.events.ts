import {
  InstructorEventType,
  InstructorPrivateEventType,
  type EventPayload,
  type InstructorPayoutAccountUpdatedV1,
  type InstructorEventTypeName,
  type InstructorListing,
  type InstructorState,
  type InstructorWentOfflineV1,
  type NewEvent,
  type OfferedServiceState,
} from '@instainstru/events';
import type { InstructorProfile, OfferedService } from './instructor.types';

/*
 * Every event carries the instructor's whole public state (listing and offered services), the
 * owning account (so calendar and booking recognise the instructor as a caller) and its revision,
 * so a consumer can build its read model from any one event and drop older ones. The payload
 * types are generated from schemas/events/instructor.*.v1.json.
 *
 * The listing is what discovery may show: never the street address, documents or Stripe ids; the
 * location is rounded to 0.01° (about 1 km), so a home address cannot be recovered from it.
 */

export type OfflineReason = InstructorWentOfflineV1['reason'];

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

export function offeredServiceListing(offered: OfferedService): OfferedServiceState {
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

/** An event of `type`, its payload checked against that type's generated payload type. */
const event = <Type extends InstructorEventTypeName>(type: Type, profile: InstructorProfile, payload: EventPayload<Type>): NewEvent<EventPayload<Type>> => ({
  type,
  aggregateId: profile.id,
  payload,
});

export const instructorEvents = {
  profileUpdated: (profile: InstructorProfile, offered: OfferedService[], changed: string[]) =>
    event(InstructorEventType.ProfileUpdated, profile, { ...state(profile, offered), changed }),
  serviceOffered: (profile: InstructorProfile, offered: OfferedService[], added: OfferedService) =>
    event(InstructorEventType.ServiceOffered, profile, { ...state(profile, offered), offeredService: offeredServiceListing(added) }),
  serviceUpdated: (profile: InstructorProfile, offered: OfferedService[], updated: OfferedService) =>
    event(InstructorEventType.ServiceUpdated, profile, { ...state(profile, offered), offeredService: offeredServiceListing(updated) }),
  serviceRemoved: (profile: InstructorProfile, offered: OfferedService[], removed: OfferedService) =>
    event(InstructorEventType.ServiceRemoved, profile, { ...state(profile, offered), offeredServiceId: removed.id, serviceId: removed.serviceId }),
  wentLive: (profile: InstructorProfile, offered: OfferedService[]) => event(InstructorEventType.WentLive, profile, state(profile, offered)),
  wentOffline: (profile: InstructorProfile, offered: OfferedService[], reason: OfflineReason) =>
    event(InstructorEventType.WentOffline, profile, { ...state(profile, offered), reason }),
};

/**
 * The private channel: `instructor.payout-account-updated` goes to its own topic
 * (`<prefix>instructor.private.payout-accounts`, PRIVATE_EVENT_TOPICS), which only booking reads,
 * because it carries the Stripe Connect account id the public events above never do. The whole
 * Connect state and the payout account's own revision, keyed by the instructor.
 */
export const instructorPrivateEvents = {
  payoutAccountUpdated: (profile: InstructorProfile): NewEvent<InstructorPayoutAccountUpdatedV1> => {
    const account = profile.payoutAccount;
    return {
      type: InstructorPrivateEventType.PayoutAccountUpdated,
      aggregateId: profile.id,
      payload: {
        instructorId: profile.id,
        stripeAccountId: account.stripeAccountId,
        chargesEnabled: account.chargesEnabled,
        payoutsEnabled: account.payoutsEnabled,
        detailsSubmitted: account.detailsSubmitted,
        revision: account.revision,
        occurredAt: account.changedAt,
      },
    };
  },
};
