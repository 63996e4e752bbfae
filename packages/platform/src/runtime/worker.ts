/** Background work of the `worker` role: outbox relay, consumers, schedulers. */
export interface Worker {
  name: string;
  start(): Promise<void>;
  /** Finishes the unit of work in flight, then stops. */
  stop(): Promise<void>;
}
