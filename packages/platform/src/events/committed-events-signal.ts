import type { Sql } from '../database/database';
import { OUTBOX_NOTIFY_CHANNEL } from './outbox-table';

/**
 * Tells relays (which LISTEN on the channel) that events were committed. The NOTIFY goes out after
 * the commit, on its own, rather than inside the appending transaction: Postgres serialises the
 * commits of all transactions that notified (one lock for the whole cluster), which would make
 * every event-writing transaction take its turn. At most one NOTIFY is in flight per process, and
 * they start at most every `minIntervalMs`; a commit meanwhile asks for one more after it, so a
 * burst of appends costs one NOTIFY every 20 ms (50 a second, however many appends) and no append
 * is left unannounced. A relay busy publishing a batch when one arrives goes straight on to the
 * next batch, so in a burst the spacing adds nothing; after a quiet spell the first NOTIFY goes out
 * at once. A NOTIFY lost (the process dying, the database unreachable) delays publishing only
 * until the relay's next poll.
 */
export class CommittedEventsSignal {
  private sending = false;
  private again = false;

  /**
   * @param minIntervalMs the least time between the starts of two NOTIFYs: the first after a quiet
   *   spell goes out at once, later ones at most this often (each NOTIFY is a transaction of its
   *   own, and a woken relay takes every committed event in one batch anyway).
   */
  constructor(
    private readonly db: Sql,
    private readonly minIntervalMs = 20,
  ) {}

  raise(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    do {
      this.again = false;
      const started = Date.now();
      await this.db.execute(`select pg_notify($1, '')`, [OUTBOX_NOTIFY_CHANNEL], { prepare: true }).catch(() => undefined);
      const wait = started + this.minIntervalMs - Date.now();
      if (this.again && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    } while (this.again);
    this.sending = false;
  }
}
