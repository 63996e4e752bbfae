import type { Sql } from '../database/database';
import type { PlatformMetrics } from '../runtime/metrics';

export interface OutboxRetentionOptions {
  db: Sql;
  /** How long a published event stays in the outbox (for inspection and manual replay). */
  retentionMs: number;
  metrics?: PlatformMetrics;
  /** Rows deleted per statement, so no sweep holds many row locks or one long transaction. */
  batchSize?: number;
}

/**
 * Deletes events published more than the retention ago; the outbox would otherwise only grow.
 * The relay publishes in sequence order, so the old published rows are the oldest ones: a sweep
 * finds the first row still to keep (unpublished, or published within the retention) and deletes
 * the rows before it, a batch at a time. An unpublished event is never deleted, however old, and
 * any number of sweeps may run at once (a row is deleted once; the others skip it).
 */
export class OutboxRetention {
  private readonly batchSize: number;

  constructor(private readonly options: OutboxRetentionOptions) {
    this.batchSize = options.batchSize ?? 5000;
  }

  /** Deletes what the retention allows as of `now`; answers how many events were deleted. */
  async sweep(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.options.retentionMs);
    const [boundary] = await this.options.db.query<{ seq: string | null }>(
      `select coalesce(
         (select seq from outbox where published_at is null or published_at >= $1 order by seq limit 1),
         (select max(seq) + 1 from outbox)) as seq`,
      [cutoff],
    );
    if (boundary?.seq == null) return 0;
    let deleted = 0;
    for (;;) {
      // `published_at < cutoff` again: an append with a lower seq that committed after the
      // boundary was read is below it but unpublished, and must stay.
      const n = await this.options.db.execute(
        `delete from outbox where seq in (
           select seq from outbox where seq < $1 and published_at < $2 order by seq limit $3 for update skip locked)`,
        [boundary.seq, cutoff, this.batchSize],
      );
      deleted += n;
      if (n < this.batchSize) break;
    }
    if (deleted > 0) this.options.metrics?.outboxPurged.inc(deleted);
    return deleted;
  }
}
