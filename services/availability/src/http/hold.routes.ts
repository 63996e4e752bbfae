import { holdSlotRequest, releaseHoldRequest, SlotHoldPath, SlotHoldRefusal, type HeldSlot, type ReleaseHoldResponse } from '@instainstru/events';
import { internalRoute, type HttpRouteHandler, type ServiceDeps } from '@instainstru/platform';
import type { AvailabilityErrorCode } from '../domain/availability.errors';
import type { SlotHolds } from '../domain/slot-holds.service';

// Every refusal the slot-hold contract names is one of availability's error codes (checked by the compiler).
SlotHoldRefusal satisfies Record<string, `${AvailabilityErrorCode}`>;

/** The slot-hold contract's routes (packages/events/src/internal/slot-holds.ts), for the booking service only (never exposed by the gateway). */
export function holdRoutes(deps: ServiceDeps, holds: SlotHolds): Record<string, HttpRouteHandler> {
  const logger = deps.logger.child({ component: 'hold-routes' });
  const common = {
    service: deps.config.service,
    signingSecret: deps.config.signingSecret,
    callerMaxAgeMs: deps.config.callerMaxAgeMs,
    allow: ['booking'] as const,
    onUnexpected: (err: unknown) => logger.error({ err }, 'hold route failed'),
  };
  return {
    [SlotHoldPath.Hold]: internalRoute({
      ...common,
      parse: (body) => holdSlotRequest.parse(body),
      handle: ({ startsAt, endsAt, ...hold }): Promise<HeldSlot> => holds.hold({ ...hold, startsAt: new Date(startsAt), endsAt: new Date(endsAt) }),
    }),
    [SlotHoldPath.Release]: internalRoute({
      ...common,
      parse: (body) => releaseHoldRequest.parse(body),
      handle: ({ bookingId }): Promise<ReleaseHoldResponse> => holds.release(bookingId),
    }),
  };
}
