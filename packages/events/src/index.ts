export * from './__generated__';
export * from './envelope';
export * from './event-types';
export * from './schema-registry';
export * from './instructor-state';
export * from './booking-state';
export * from './internal/slot-holds';
export * from './ratings';
