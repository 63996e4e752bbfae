/**
 * An outbox relay in its own process, so a test can SIGKILL it at a chosen point and start it
 * again: `node --import tsx relay-process.ts`, configured through the environment.
 *
 *   RELAY_DATABASE_URL   connection URL (as the schema's owning role)      required
 *   RELAY_SCHEMA         the schema whose outbox is drained                 required
 *   KAFKA_BROKERS        comma-separated                                     127.0.0.1:9092
 *   RELAY_BATCH_SIZE     rows per batch                                      50
 *   RELAY_POLL_MS        poll interval                                       200
 *   RELAY_ACK_DELAY_MS   pause after each broker ack, before the rows are marked published   0
 *   RELAY_HOLD_AFTER_BATCH  after the n-th acknowledged batch, never return to the relay: the
 *                        process sits between "published" and "marked" until it is killed
 *   RELAY_START_ON_STDIN when set, connect, print `warm`, and start relaying only once a line
 *                        arrives on stdin (lets a test pay the process start-up ahead of time)
 *   RELAY_LOG_LEVEL      pino level for the relay's own logs (stderr)        warn
 *
 * Protocol on stdout, one line each: [`warm`], `ready`, `published <batch> <messages> <total>`
 * after every acknowledged batch, `holding <batch>`, `stopped`. SIGTERM stops the relay
 * gracefully (exit 0).
 */
import pino from 'pino';
import { Database } from '../../database/database';
import type { EventBus, OutgoingMessage, SubscribeOptions, Subscription } from '../event-bus';
import { KafkajsEventBus } from '../kafkajs-event-bus';
import { OutboxRelay } from '../outbox-relay';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Delegates to the real bus and reports every acknowledged publish; can stall after one. */
class ReportingBus implements EventBus {
  private batches = 0;
  private messages = 0;

  constructor(
    private readonly inner: EventBus,
    private readonly ackDelayMs: number,
    private readonly holdAfterBatch: number | undefined,
  ) {}

  async publish(messages: OutgoingMessage[]): Promise<void> {
    await this.inner.publish(messages);
    this.batches += 1;
    this.messages += messages.length;
    say(`published ${this.batches} ${messages.length} ${this.messages}`);
    if (this.batches === this.holdAfterBatch) {
      say(`holding ${this.batches}`);
      await new Promise<never>(() => setInterval(() => undefined, 60_000));
    }
    if (this.ackDelayMs > 0) await new Promise((r) => setTimeout(r, this.ackDelayMs));
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    return this.inner.subscribe(options);
  }

  ensureTopics(topics: string[], partitions?: number): Promise<void> {
    return this.inner.ensureTopics(topics, partitions);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

async function main(): Promise<void> {
  const logger = pino({ name: 'relay-process', level: process.env.RELAY_LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const schema = required('RELAY_SCHEMA');
  const db = await new Database({ url: required('RELAY_DATABASE_URL'), schema, poolMax: 2, applicationName: 'relay-process' }).connect();
  const kafka = new KafkajsEventBus({ brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), clientId: 'relay-process', logger });
  const hold = process.env.RELAY_HOLD_AFTER_BATCH ? Number(process.env.RELAY_HOLD_AFTER_BATCH) : undefined;
  const bus = new ReportingBus(kafka, Number(process.env.RELAY_ACK_DELAY_MS ?? 0), hold);
  const relay = new OutboxRelay({
    db,
    bus,
    logger,
    schema,
    batchSize: Number(process.env.RELAY_BATCH_SIZE ?? 50),
    pollMs: Number(process.env.RELAY_POLL_MS ?? 200),
  });

  let stopping = false;
  process.on('SIGTERM', () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await relay.stop();
      await bus.close();
      await db.close();
      say('stopped');
      process.exit(0);
    })().catch((err: unknown) => {
      logger.error({ err }, 'relay-process failed to stop');
      process.exit(1);
    });
  });

  if (process.env.RELAY_START_ON_STDIN) {
    await db.query('select 1');
    await kafka.ping();
    say('warm');
    await new Promise((r) => process.stdin.once('data', r));
    process.stdin.pause();
  }
  await relay.start();
  say('ready');
}

main().catch((err: unknown) => {
  process.stderr.write(`relay-process failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
