/** The subgraphs; each owns the Postgres schema and database role of the same name. */
export const SERVICE_NAMES = ['catalog', 'instructor', 'availability', 'booking', 'reviews', 'partners'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const DEFAULT_PORTS: Record<ServiceName | 'gateway', number> = {
  gateway: 4000,
  catalog: 4001,
  instructor: 4002,
  availability: 4003,
  booking: 4004,
  reviews: 4005,
  partners: 4006,
};
