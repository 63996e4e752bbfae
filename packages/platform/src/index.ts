/**
 * The platform kit, one import for every service and the gateway: `@instainstru/platform`. It
 * holds no domain rules; no file in it imports itself back (tests/contract/import-cycles.spec.ts).
 *
 *   runtime/   configuration (one reader, one error format), logging, metrics, tracing, the
 *              request scope, workers and periodic jobs, service dependencies, lifecycle
 *   database/  the pg pool (transactions, after-commit hooks, migrations), database bootstrap
 *   events/    EventBus port and its Kafka adapter, outbox (append, relay, retention, commit
 *              signal), idempotent consumer (inbox), read models, event tables and workers
 *   http/      HTTP app (health, readiness, metrics), subgraph server, caller signing, the one
 *              HTTP client (keep-alive, stale-connection retry), service-to-service calls
 *   api/       what every API answers alike: error type and its GraphQL mapping, query cost,
 *              request budget, the UUID format of ids, opaque cursors
 *   auth/      partner API keys: the partners service's Redis projection, as the gateway reads it
 */
export * from './api/cursors';
export * from './api/errors';
export * from './api/ids';
export * from './api/page-size';
export * from './api/query-cost';
export * from './api/request-budget';
export * from './auth/partner-keys';
export * from './database/database';
export * from './database/db-bootstrap';
export * from './events/appending-statement';
export * from './events/committed-events-signal';
export * from './events/event-bus';
export * from './events/event-tables';
export * from './events/event-workers';
export * from './events/idempotent-consumer';
export * from './events/kafkajs-event-bus';
export * from './events/outbox';
export * from './events/outbox-relay';
export * from './events/outbox-retention';
export * from './events/read-model';
export * from './http/app';
export * from './http/bodies';
export * from './http/caller';
export * from './http/client';
export * from './http/internal-call';
export * from './http/subgraph-server';
export * from './http/stripe';
export * from './runtime/config';
export * from './runtime/config-reader';
export * from './runtime/lifecycle';
export * from './runtime/logger';
export * from './runtime/metrics';
export * from './runtime/periodic-job';
export * from './runtime/seeded-random';
export * from './runtime/request-context';
export * from './runtime/service-deps';
export * from './runtime/service-module';
export * from './runtime/service-names';
export * from './runtime/tracing';
export * from './runtime/worker';
