/**
 * The port every service uses to talk to Kafka. Only the adapter knows the client library, so
 * switching clients (kafkajs is no longer maintained) means writing one new adapter.
 */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Partitions handled at the same time (messages of one partition stay in order); 1 by default. */
  partitionsConsumedConcurrently?: number;
  /**
   * Called for each message in partition order. When it resolves the offset is committed;
   * when it rejects, the message is delivered again.
   */
  handle(message: IncomingMessage): Promise<void>;
  /** Reports how far the group is behind the partition's end after each batch. */
  onLag?(lag: { topic: string; partition: number; lag: number }): void;
}

export interface Subscription {
  /** Stops fetching, lets the message in flight finish and commits it, then leaves the group. */
  stop(): Promise<void>;
}

export interface EventBus {
  /** Resolves only after the broker acknowledged every message (all in-sync replicas). */
  publish(messages: OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  ensureTopics(topics: string[], partitions?: number): Promise<void>;
  /** Whether the broker answers; used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
