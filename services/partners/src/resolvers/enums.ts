import type { PartnerScopeResolvers } from '../__generated__/resolvers-types';

/** GraphQL's enum names for the `resource:verb` scopes the gateway reads (and Postgres stores). */
export const PartnerScope: PartnerScopeResolvers = {
  CATALOG_READ: 'catalog:read',
  AVAILABILITY_READ: 'availability:read',
  BOOKINGS_READ: 'bookings:read',
  BOOKINGS_WRITE: 'bookings:write',
};
