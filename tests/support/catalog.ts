/**
 * What of the catalog service its tests run in-process: the instructor-offerings consumer (with the
 * Redis client the worker role has) and the instructor's relay feeding it.
 * Everything else is in @instainstru/test-harness, which never imports a service.
 */
import type { Redis } from 'ioredis';
import type { EventEnvelope } from '@instainstru/events';
import { consumerGroup, eventsConsumed, outboxRelayWorker, startWorkers, type TestStack } from '@instainstru/test-harness';
import { type CatalogModule, createCatalogModule } from '../../services/catalog/src/module';

/** The consumer group of the catalog's read model of instructors (also its inbox's consumer name, after the topic prefix). */
export const CATALOG_OFFERINGS_GROUP = 'catalog.instructor-offerings';

export interface CatalogPipeline {
  /** The catalog as the worker role builds it (its Redis client is the pipeline's). */
  catalog: CatalogModule;
  redis: Redis;
  /** The consumer's group with the stack's prefix (the inbox's consumer name). */
  groupId: string;
  stop(): Promise<void>;
}

/**
 * What `npm start` runs as workers, in-process: the instructor's outbox relay (when the stack runs
 * the instructor service) and the catalog's instructor-offerings consumer, with its own Redis
 * client (it closes with the stack).
 */
export async function startCatalogPipeline(stack: TestStack): Promise<CatalogPipeline> {
  const catalog = createCatalogModule(stack.deps.catalog!);
  const workers = await startWorkers([...catalog.workers(), outboxRelayWorker(stack, 'instructor')]);
  return { catalog, redis: catalog.redis, groupId: consumerGroup(stack, CATALOG_OFFERINGS_GROUP), stop: () => workers.stop() };
}

/** Waits until the catalog's consumer committed each event (applied, or dropped as old). */
export const catalogProcessed = (stack: TestStack, events: EventEnvelope[]) => eventsConsumed(stack, 'catalog', CATALOG_OFFERINGS_GROUP, events);
