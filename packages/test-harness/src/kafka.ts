import { randomBytes } from 'node:crypto';
import { createLogger, KafkajsEventBus, type EventBus, type IncomingMessage } from '@instainstru/platform';

/** A topic prefix no other test file or run uses, so tests share one broker without interfering. */
export function uniqueTopicPrefix(label = 't'): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;
}

export function testEventBus(clientId = 'test'): EventBus {
  return new KafkajsEventBus({
    brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    clientId,
    logger: createLogger(clientId, process.env.TEST_LOG_LEVEL ?? 'silent'),
  });
}

/** Collects what arrives on `topics` from the beginning, with a fresh consumer group. */
export async function collectMessages(bus: EventBus, topics: string[]) {
  const received: IncomingMessage[] = [];
  const subscription = await bus.subscribe({
    groupId: `collector-${randomBytes(4).toString('hex')}`,
    topics,
    fromBeginning: true,
    handle: async (message) => void received.push(message),
  });
  return { received, stop: () => subscription.stop() };
}

/** Polls `check` until it returns true or the time is up. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
