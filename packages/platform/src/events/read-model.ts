import type { EventEnvelope } from '@instainstru/events';
import type { Sql } from '../database/database';
import type { ServiceDeps } from '../runtime/service-deps';
import type { Worker } from '../runtime/worker';
import { eventConsumerWorker } from './event-workers';
import type { EventHandler } from './idempotent-consumer';

/*
 * Read models kept from another service's state events: events that each carry one aggregate's
 * whole state and its revision (a number growing with every event of that aggregate), so any one
 * of them rebuilds the aggregate's row. Applying them is
 *
 * - idempotent: an event is applied once per consumer group (its inbox row is written in the
 *   transaction that stores the row; see IdempotentConsumer), and a state applied again at the
 *   same revision stores the same values (a republished state backfills columns added since);
 * - revision-guarded: a row is replaced only by the same or a newer revision, in one upsert whose
 *   row lock serialises concurrent events of one aggregate; an older revision changes nothing.
 *
 * The platform knows an aggregate id and a revision, nothing of the domain: the service supplies
 * the event types, the table, and the mapping from a state to the row's columns.
 */

/** A read-model table with one row per aggregate. */
export interface RevisionedTable {
  /** e.g. `instructor_calendar`. */
  name: string;
  /** The primary key: the aggregate id. */
  idColumn: string;
  /** The revision of the state the row was built from. */
  revisionColumn: string;
  /** Set to now() when a stored row is replaced (the column's default fills it on insert). */
  updatedAtColumn?: string;
}

/** A column value Postgres computes from parameters, numbered `$1`, `$2`… within the expression. */
export class SqlExpression {
  constructor(
    readonly sql: string,
    readonly params: readonly unknown[],
  ) {}
}

/** `sqlExpression('st_makepoint($2, $1)', latitude, longitude)`. */
export const sqlExpression = (sql: string, ...params: unknown[]): SqlExpression => new SqlExpression(sql, params);

/** One aggregate's row as a state makes it. */
export interface RevisionedRow {
  id: string;
  revision: number;
  /** Every other column by name: a value is sent as a parameter, a SqlExpression is computed by Postgres. */
  columns: Record<string, unknown>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`"${name}" is not a plain lower-case SQL identifier`);
  return name;
}

/** The guarded upsert of `row` into `table`: its text and parameters. */
function revisionedUpsert(table: RevisionedTable, row: RevisionedRow): { text: string; params: unknown[] } {
  const name = identifier(table.name);
  const id = identifier(table.idColumn);
  const revision = identifier(table.revisionColumn);
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const columns = [id, ...Object.keys(row.columns).map(identifier), revision];
  const values = [param(row.id)];
  for (const value of Object.values(row.columns)) {
    if (value instanceof SqlExpression) {
      const offset = params.length;
      params.push(...value.params);
      values.push(
        value.sql.replace(/\$(\d+)/g, (_, n: string) => {
          const at = Number(n);
          if (at < 1 || at > value.params.length) throw new Error(`$${n} of "${value.sql}" has no parameter`);
          return `$${offset + at}`;
        }),
      );
    } else {
      values.push(param(value));
    }
  }
  values.push(param(row.revision));
  const updates = columns.filter((c) => c !== id).map((c) => `${c} = excluded.${c}`);
  if (table.updatedAtColumn) updates.push(`${identifier(table.updatedAtColumn)} = now()`);
  const text =
    `insert into ${name} (${columns.join(', ')}) values (${values.join(', ')}) ` +
    `on conflict (${id}) do update set ${updates.join(', ')} where ${name}.${revision} <= excluded.${revision}`;
  return { text, params };
}

/**
 * Stores the aggregate's row unless the table holds a newer revision of it; true when stored (also
 * for the same revision again). Run it in the transaction that records the event in the inbox.
 */
export async function storeLatestRevision(sql: Sql, table: RevisionedTable, row: RevisionedRow): Promise<boolean> {
  const { text, params } = revisionedUpsert(table, row);
  return (await sql.execute(text, params)) > 0;
}

export interface ReadModelWorkerOptions<State> {
  /** The worker's name, also the logger component. */
  name: string;
  /** The consumer group without the environment's topic prefix, e.g. `availability.instructor-calendar`. */
  group: string;
  /** The event types whose payload is the aggregate's whole state (each validated against its schema first). */
  stateEvents: readonly string[];
  /** Applies one event's state (usually through storeLatestRevision) in the transaction that records it in the inbox. */
  apply(tx: Sql, state: State): Promise<unknown>;
  /** Runs after the transaction that applied an event committed (e.g. invalidating a cache). */
  afterCommit?(event: EventEnvelope): Promise<void>;
}

/** The worker keeping a read model from state events (inbox, bounded retries, dead letters: eventConsumerWorker). */
export function readModelWorker<State>(deps: ServiceDeps, options: ReadModelWorkerOptions<State>): Worker {
  const apply: EventHandler = async (tx, event) => {
    await options.apply(tx, event.payload as State);
  };
  return eventConsumerWorker(deps, {
    name: options.name,
    group: options.group,
    handlers: Object.fromEntries(options.stateEvents.map((type) => [type, apply])),
    ...(options.afterCommit ? { afterCommit: options.afterCommit } : {}),
  });
}
