import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with the metrics every service exports on /metrics. */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly resolverDuration: Histogram<'parent' | 'field'>;
  readonly outboxBacklog: Gauge;
  readonly outboxPublished: Counter;
  readonly outboxPurged: Counter;
  readonly consumerMessages: Counter<'group' | 'outcome'>;
  readonly consumerLag: Gauge<'group' | 'topic' | 'partition'>;

  private readonly ownCounters = new Map<string, Counter<string>>();

  /** A service's own counter in this registry (one per name: asking again answers the same one). */
  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    let counter = this.ownCounters.get(name);
    if (!counter) {
      counter = new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
      this.ownCounters.set(name, counter);
    }
    return counter as Counter<L>;
  }

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: 'http_requests_total', help: 'HTTP requests served', labelNames: ['route', 'status'], registers });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.resolverDuration = new Histogram({
      name: 'graphql_resolver_duration_seconds',
      help: 'Duration of root-field and entity resolvers',
      labelNames: ['parent', 'field'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    this.outboxBacklog = new Gauge({ name: 'outbox_backlog', help: 'Outbox events committed but not yet acknowledged by Kafka', registers });
    this.outboxPublished = new Counter({ name: 'outbox_published_total', help: 'Outbox events acknowledged by Kafka', registers });
    this.outboxPurged = new Counter({ name: 'outbox_purged_total', help: 'Published outbox events deleted after the retention period', registers });
    this.consumerMessages = new Counter({
      name: 'consumer_messages_total',
      help: 'Messages handled by consumers, by outcome (applied, duplicate, ignored, retried, dead-lettered)',
      labelNames: ['group', 'outcome'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'consumer_lag',
      help: 'Messages between the consumer group position and the partition end',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
  }
}
