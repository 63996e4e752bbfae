import { OUTBOX_MESSAGE_COLUMNS, outboxMessage, type Database, type OutboxMessageRow, type OutgoingMessage } from '@instainstru/platform';

/** Event type of synthetic bench rows; the relay publishes rows to the row's `topic` as-is. */
export const BENCH_EVENT_TYPE = 'catalog.bench-event';

/**
 * Inserts `count` synthetic, realistic-sized outbox rows (≈ 500-byte envelope with payload and
 * trace context, 256 aggregates) for `topic` into the connected schema's outbox, in one statement.
 */
export async function insertBenchRows(db: Database, topic: string, count: number): Promise<void> {
  await db.execute(
    `insert into outbox (id, topic, aggregate_id, type, version, envelope)
     select e.id, $1, e.agg, $3, 1,
       jsonb_build_object(
         'id', e.id,
         'type', $3::text,
         'version', 1,
         'occurredAt', to_char(clock_timestamp() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         'aggregateId', e.agg,
         'payload', jsonb_build_object(
           'serviceId', e.agg,
           'slug', 'bench-service-' || e.g,
           'name', 'Bench service ' || e.g,
           'synonyms', jsonb_build_array('lesson', 'class', 'tutor'),
           'note', repeat('x', 160)),
         'trace', jsonb_build_object('traceparent', '00-' || md5(e.id::text) || '-' || substr(md5(e.agg), 1, 16) || '-01'))
     from (select gen_random_uuid() as id, g, md5((g % 256)::text)::uuid::text as agg from generate_series(1, $2::int) as g) as e`,
    [topic, count, BENCH_EVENT_TYPE],
  );
}

export async function countUnpublished(db: Database, topic?: string): Promise<number> {
  const [row] = topic
    ? await db.query<{ n: string }>(`select count(*) as n from outbox where published_at is null and topic = $1`, [topic])
    : await db.query<{ n: string }>(`select count(*) as n from outbox where published_at is null`);
  return Number(row?.n ?? 0);
}

/** Deletes every outbox row of `topic` (published or not); returns how many. */
export function deleteBenchRows(db: Database, topic: string): Promise<number> {
  return db.execute(`delete from outbox where topic = $1`, [topic]);
}

/**
 * The messages the relay would publish for the unpublished rows of `topic`, in order — built
 * exactly as OutboxRelay.publishBatch builds them (outboxMessage).
 */
export async function messagesFor(db: Database, topic: string): Promise<OutgoingMessage[]> {
  const rows = await db.query<OutboxMessageRow>(
    `select ${OUTBOX_MESSAGE_COLUMNS} from outbox where published_at is null and topic = $1 order by seq`,
    [topic],
  );
  return rows.map(outboxMessage);
}
