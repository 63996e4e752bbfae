import { z } from 'zod';
import { internalRoute, type HttpRouteHandler, type ServiceDeps } from '@instainstru/platform';
import type { SlotHolds } from '../domain/slot-holds.service';

export const HOLD_PATH = '/internal/holds/hold';
export const RELEASE_PATH = '/internal/holds/release';

const instant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));
const holdRequest = z.object({ bookingId: z.guid(), instructorId: z.guid(), startsAt: instant, endsAt: instant });
const releaseRequest = z.object({ bookingId: z.guid() });

/** The calendar contract's routes for the booking service only (never exposed by the gateway). */
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
    [HOLD_PATH]: internalRoute({ ...common, parse: (body) => holdRequest.parse(body), handle: (input) => holds.hold(input) }),
    [RELEASE_PATH]: internalRoute({ ...common, parse: (body) => releaseRequest.parse(body), handle: ({ bookingId }) => holds.release(bookingId) }),
  };
}
