/**
 * The test harness: real infrastructure, a private database and topic prefix per test file, the
 * real gateway over in-process subgraphs, and builders of the GraphQL calls, SQL and events tests
 * use. It depends on packages only (platform, events, gateway); a test passes in what it needs of a
 * service (its server builder, its workers).
 */
export * from './bookings';
export * from './calendar';
export * from './clock';
export * from './databases';
export * from './events';
export * from './gateway-stack';
export * from './graphql';
export * from './infrastructure';
export * from './instructors';
export * from './kafka';
export * from './object-storage';
export * from './service-deps';
export * from './service-process';
export * from './sql';
export * from './stripe-webhooks';
export * from './stripe-emulator';
export * from './workers';
