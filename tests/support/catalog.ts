/**
 * What of the catalog service its tests run in-process: its consumers (instructor offerings, with
 * the Redis client the worker role has, and instructor ratings) and the instructor's relay feeding
 * them; review events as the reviews service publishes them.
 * Everything else is in @instainstru/test-harness, which never imports a service.
 */
import type { Redis } from 'ioredis';
import { createEnvelope, type EventEnvelope, type ReviewEventTypeName } from '@instainstru/events';
import { consumerGroup, eventsConsumed, outboxRelayWorker, startWorkers, type TestStack } from '@instainstru/test-harness';
import { type CatalogModule, createCatalogModule } from '../../services/catalog/src/module';

/** The consumer group of the catalog's read model of instructors (also its inbox's consumer name, after the topic prefix). */
export const CATALOG_OFFERINGS_GROUP = 'catalog.instructor-offerings';
/** The consumer group of the catalog's read model of reviews (instructors' ratings). */
export const CATALOG_RATINGS_GROUP = 'catalog.instructor-ratings';

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
 * the instructor service) and the catalog's consumers (instructor offerings, with its own Redis
 * client that closes with the stack, and instructor ratings).
 */
export async function startCatalogPipeline(stack: TestStack): Promise<CatalogPipeline> {
  const catalog = createCatalogModule(stack.deps.catalog!);
  const workers = await startWorkers([...catalog.workers(), outboxRelayWorker(stack, 'instructor')]);
  return { catalog, redis: catalog.redis, groupId: consumerGroup(stack, CATALOG_OFFERINGS_GROUP), stop: () => workers.stop() };
}

/** Waits until the catalog's consumer committed each event (applied, or dropped as old). */
export const catalogProcessed = (stack: TestStack, events: EventEnvelope[]) => eventsConsumed(stack, 'catalog', CATALOG_OFFERINGS_GROUP, events);

/** Waits until the catalog's ratings consumer committed each review event (applied, or dropped as old). */
export const catalogRatingsProcessed = (stack: TestStack, events: EventEnvelope[]) => eventsConsumed(stack, 'catalog', CATALOG_RATINGS_GROUP, events);

/** A review's whole state as the review events carry it; what a test leaves out takes a plain default. */
export interface ReviewEventState {
  reviewId: string;
  instructorId: string;
  rating: number;
  version: number;
  /** True unless given (false while hidden by moderation). */
  visible?: boolean;
  serviceId?: string;
  text?: string | null;
}

/**
 * A review event (schemas/events/review.*.v1.json) as the reviews service publishes it, keyed by
 * the review; its booking (and, unless given, its service) are derived from the review's id, so
 * every version of one review names the same lesson.
 */
export function reviewEvent(type: ReviewEventTypeName, review: ReviewEventState): EventEnvelope {
  const now = new Date().toISOString();
  const derived = (digit: string) => `${review.reviewId.slice(0, 24)}${digit.repeat(12)}`;
  return createEnvelope({
    type,
    aggregateId: review.reviewId,
    payload: {
      reviewId: review.reviewId,
      bookingId: derived('b'),
      instructorId: review.instructorId,
      serviceId: review.serviceId ?? derived('5'),
      studentUserId: `student-${review.reviewId.slice(0, 8)}`,
      rating: review.rating,
      text: review.text ?? null,
      visible: review.visible ?? true,
      response: null,
      version: review.version,
      publishedAt: now,
      occurredAt: now,
    },
  });
}
