import { OUTBOX_COLUMNS } from './outbox-table';

export interface AppendingWrite {
  /** One data-modifying statement with RETURNING; its parameters are $1..$`params`. */
  text: string;
  /** How many parameters the write takes. */
  params: number;
  /**
   * Common table expressions the write reads (`name as (select …)`, e.g. a row locked FOR SHARE),
   * evaluated once for the whole statement.
   */
  reads?: string;
  /**
   * Further common table expressions after the write that read `written` (`name as (insert … select
   * … from written returning 1)`): rows the write brings along in the same statement.
   */
  alongside?: string;
  /**
   * The statement's answer, a SELECT over `written` (and `reads`); by default `select * from
   * written`. The event is appended only when `written` has a row, whatever the answer says.
   */
  answer?: string;
  /** Run as a named prepared statement: each connection parses and plans it once. */
  prepare?: boolean;
}

/** The column of an answer row that says whether the event was appended. */
const APPENDED = 'outbox$appended';

/**
 * A write and the outbox insert as one SQL statement, composed once and run any number of times
 * through Outbox.appendWith. With its own answer, the statement also says whether it appended.
 */
export class AppendingStatement {
  readonly text: string;
  readonly params: number;
  readonly prepare: boolean;
  /** Whether answer rows carry the appended flag (the write has its own answer). */
  readonly flagsAppended: boolean;

  constructor(write: AppendingWrite) {
    const p = (i: number) => `$${write.params + i}`;
    this.params = write.params;
    this.prepare = write.prepare ?? false;
    this.flagsAppended = write.answer !== undefined;
    const answer = write.answer ? `select answer.*, exists (select 1 from appended) as "${APPENDED}" from (${write.answer}) as answer` : 'select * from written';
    this.text = `with ${write.reads ? `${write.reads},\n` : ''}written as (${write.text}),${write.alongside ? `\n       ${write.alongside},` : ''}
       appended as (
         insert into outbox ${OUTBOX_COLUMNS}
         select ${p(1)}::uuid, ${p(2)}::text, ${p(3)}::text, ${p(4)}::text, ${p(5)}::integer, ${p(6)}::json where exists (select 1 from written)
         returning 1
       )
       ${answer}`;
  }

  /**
   * The statement's answer rows (without the appended flag) and whether it appended the event.
   * Without its own answer, it appended exactly when the write returned rows; with one but no
   * answer row, whether it appended is unknown, and it counts as appended (relays are woken anyway).
   */
  answerOf<Row>(rows: readonly Row[]): { rows: Row[]; appended: boolean } {
    if (!this.flagsAppended) return { rows: rows as Row[], appended: rows.length > 0 };
    const flagged = rows as readonly (Row & { [APPENDED]?: boolean })[];
    return {
      rows: flagged.map(({ [APPENDED]: _appended, ...answer }) => answer as Row),
      appended: flagged[0]?.[APPENDED] ?? true,
    };
  }
}
