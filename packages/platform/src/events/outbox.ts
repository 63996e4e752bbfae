import { createEnvelope, type EventEnvelope, type EventSchemaRegistry, type NewEvent } from '@instainstru/events';
import type { Sql } from '../database/database';
import { injectContext } from '../runtime/tracing';
import type { AppendingStatement } from './appending-statement';
import type { CommittedEventsSignal } from './committed-events-signal';
import { OUTBOX_COLUMNS, outboxRowValues } from './outbox-table';

/**
 * Writes events into the service's outbox inside the caller's transaction, so an event exists
 * exactly when the change that caused it committed. Every event is validated against its schema.
 * With a signal, relays are woken once the appending transaction committed.
 */
export class Outbox {
  constructor(
    private readonly schemas: EventSchemaRegistry,
    private readonly topicPrefix = '',
    private readonly committed?: CommittedEventsSignal,
  ) {}

  async append<Payload>(tx: Sql, event: NewEvent<Payload>): Promise<EventEnvelope<Payload>> {
    const envelope = this.envelopeOf(event);
    await tx.query(`insert into outbox ${OUTBOX_COLUMNS} values ($1, $2, $3, $4, $5, $6)`, outboxRowValues(envelope, this.topicPrefix), { prepare: true });
    this.announce(tx);
    return envelope;
  }

  /**
   * Runs `statement` with the write's `params` and appends `event` in the same SQL statement, so
   * both commit together or not at all (a single statement is one transaction even outside
   * `transaction()`) in one round trip. The event is appended only when the write returned a row;
   * answers the rows of the statement's answer (by default, the rows the write returned).
   */
  async appendWith<Row, Payload>(sql: Sql, statement: AppendingStatement, params: readonly unknown[], event: NewEvent<Payload>): Promise<Row[]> {
    if (params.length !== statement.params) throw new Error(`The write takes ${statement.params} parameters, not ${params.length}`);
    const envelope = this.envelopeOf(event);
    const answer = statement.answerOf<Row>(
      await sql.query<Row>(statement.text, [...params, ...outboxRowValues(envelope, this.topicPrefix)], { prepare: statement.prepare }),
    );
    if (answer.appended) this.announce(sql);
    return answer.rows;
  }

  private announce(sql: Sql): void {
    const committed = this.committed;
    if (committed) sql.afterCommit(() => committed.raise());
  }

  /** The envelope of a new event, with the current trace, validated against its schema. */
  private envelopeOf<Payload>(event: NewEvent<Payload>): EventEnvelope<Payload> {
    const envelope = createEnvelope(event);
    const trace = injectContext();
    if (trace.traceparent) envelope.trace = { traceparent: trace.traceparent, ...(trace.tracestate ? { tracestate: trace.tracestate } : {}) };
    this.schemas.validate(envelope);
    return envelope;
  }
}
