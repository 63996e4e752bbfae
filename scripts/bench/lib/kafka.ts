import type { OutgoingMessage } from '@instainstru/platform';
import { Kafka, logLevel, type Admin, type Message, type Producer } from 'kafkajs';

/**
 * A bare kafkajs client for baselines and housekeeping, configured like the platform's
 * KafkajsEventBus producer (idempotent, one request in flight, acks from all replicas).
 */
export class RawKafka {
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;

  constructor(brokers: string[], clientId = 'instainstru-bench') {
    this.kafka = new Kafka({ clientId, brokers, connectionTimeout: 3000, logLevel: logLevel.ERROR });
  }

  async connectProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: true });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async connectAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** Sends pre-built messages to one topic in sequential batches of `batchSize` (acks -1). */
  async sendInBatches(topic: string, messages: readonly Message[], batchSize: number): Promise<void> {
    const producer = await this.connectProducer();
    for (let i = 0; i < messages.length; i += batchSize) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }] });
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.connectAdmin();
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length) await admin.deleteTopics({ topics: present, timeout: 10_000 });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    this.producer = undefined;
    this.admin = undefined;
  }
}

export function toKafkaMessages(messages: readonly OutgoingMessage[]): Message[] {
  return messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers }));
}
