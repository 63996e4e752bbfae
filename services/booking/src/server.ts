import { join } from 'node:path';
import { buildSubgraph, loadTypeDefs, type ServiceDeps, type SubgraphServer } from '@instainstru/platform';
import type { BookingContext } from './context';
import { Bookings } from './domain/bookings.service';
import { PostgresBookingRepository } from './infra/booking.repository';
import { resolvers } from './resolvers';

export const typeDefs = loadTypeDefs(join(__dirname, '..'));

/** Builds the booking subgraph; it does not listen (index.ts does, tests mount it in-process). */
export function buildBookingServer(deps: ServiceDeps): Promise<SubgraphServer> {
  const repository = new PostgresBookingRepository(deps.db);
  return buildSubgraph<BookingContext>(deps, {
    typeDefs,
    resolvers: resolvers as never,
    context: (caller) => ({ caller, bookings: new Bookings(repository, caller) }),
  });
}
