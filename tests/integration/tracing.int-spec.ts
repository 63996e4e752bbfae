import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EVENT_SCHEMAS_DIR, EventSchemaRegistry, topicForEventType } from '@instainstru/events';
import { createLogger, IdempotentConsumer, initTracing, inSpan, Outbox, OutboxRelay } from '@instainstru/platform';
import { eventually, startStack, type TestStack } from '@instainstru/test-harness';
import { createCatalogModule } from '../../services/catalog/src/module';

const exporter = new InMemorySpanExporter();
initTracing('tracing-test', [new SimpleSpanProcessor(exporter)]);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ catalog: (deps) => createCatalogModule(deps).subgraph() });
});
afterAll(() => stack?.stop());
beforeEach(() => exporter.reset());

const spansNamed = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);

describe('one trace from the gateway to the subgraphs and through Kafka', () => {
  it('the subgraph request continues the gateway request\'s trace', async () => {
    const { body } = await stack.graphql('{ categories { slug } }');
    expect(body.errors).toBeUndefined();
    await eventually(() => spansNamed('catalog POST /graphql').length === 1 && spansNamed('gateway POST /graphql').length === 1, 5000, 'both spans');
    const [gateway] = spansNamed('gateway POST /graphql');
    const [subgraph] = spansNamed('catalog POST /graphql');
    expect(subgraph!.spanContext().traceId).toBe(gateway!.spanContext().traceId);
    // Its parent is a span the gateway recorded while serving that request (Apollo's fetch of the subgraph), not a root of its own.
    const gatewaySpans = exporter.getFinishedSpans().filter((s) => s.name.startsWith('gateway') && s.spanContext().traceId === gateway!.spanContext().traceId);
    expect(gatewaySpans.map((s) => s.spanContext().spanId)).toContain(subgraph!.parentSpanContext?.spanId);
  });

  it('a consumer handles an event inside the trace of the work that produced it', async () => {
    const deps = stack.deps.catalog!;
    const schemas = new EventSchemaRegistry([EVENT_SCHEMAS_DIR, join(__dirname, '../fixtures/events')]);
    const prefix = deps.config.kafka.topicPrefix;
    const outbox = new Outbox(schemas, prefix);
    const logger = createLogger('tracing-test', 'silent');
    const relay = new OutboxRelay({ db: deps.db, bus: deps.bus, logger, schema: 'catalog', pollMs: 100 });
    const handled: string[] = [];
    const consumer = new IdempotentConsumer({
      db: deps.db,
      bus: deps.bus,
      schemas,
      logger,
      groupId: `${prefix}tracing-probe`,
      topics: [topicForEventType('probe.traced', prefix)],
      handlers: { 'probe.traced': async (_tx, event) => void handled.push(event.id) },
      topicPrefix: prefix,
    });
    await deps.bus.ensureTopics([topicForEventType('probe.traced', prefix)]);
    await consumer.start();
    await relay.start();
    try {
      const traceId = await inSpan('record probe', {}, async (span) => {
        await deps.db.transaction((tx) => outbox.append(tx, { type: 'probe.traced', aggregateId: 'probe-1', payload: { note: 'hello' } }));
        return span.spanContext().traceId;
      });
      await eventually(() => handled.length === 1, 20_000, 'the consumer to handle the event');
      await eventually(() => spansNamed(`consume ${topicForEventType('probe.traced', prefix)}`).length === 1, 5000, 'the consumer span');
      const [consume] = spansNamed(`consume ${topicForEventType('probe.traced', prefix)}`);
      expect(consume!.spanContext().traceId).toBe(traceId);
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  });
});
