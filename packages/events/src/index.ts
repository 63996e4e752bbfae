export * from './envelope';
export * from './schema-registry';
export * from './instructor-state';
export * from './booking-state';
