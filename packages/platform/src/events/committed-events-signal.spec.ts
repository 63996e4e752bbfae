/**
 * CommittedEventsSignal: relays are told about committed events with as few NOTIFYs as possible,
 * yet never left unaware of the last commit.
 */
import type { Sql } from '../database/database';
import { CommittedEventsSignal } from './committed-events-signal';

/** An Sql whose statements complete only when the test says so. */
function gatedSql() {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const sql: Sql = {
    query: async () => [],
    execute: (text) => {
      sent.push(text);
      return new Promise<number>((resolve) => pending.push(() => resolve(1)));
    },
    afterCommit: (effect) => effect(),
  };
  const completeOne = async () => {
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { sql, sent, pending, completeOne };
}

describe('CommittedEventsSignal', () => {
  it('sends one NOTIFY per raise while none is in flight', async () => {
    const { sql, sent, completeOne } = gatedSql();
    const signal = new CommittedEventsSignal(sql, 0);
    signal.raise();
    expect(sent).toEqual([`select pg_notify($1, '')`]);
    await completeOne();
    signal.raise();
    expect(sent).toHaveLength(2);
  });

  it('folds raises during a NOTIFY into exactly one more after it', async () => {
    const { sql, sent, pending, completeOne } = gatedSql();
    const signal = new CommittedEventsSignal(sql, 0);
    signal.raise();
    for (let i = 0; i < 25; i += 1) signal.raise();
    expect(sent).toHaveLength(1);
    await completeOne();
    expect(sent).toHaveLength(2);
    await completeOne();
    expect(sent).toHaveLength(2);
    expect(pending).toHaveLength(0);
  });

  it('starts NOTIFYs at most every minIntervalMs, the first at once', async () => {
    const { sql, sent, completeOne } = gatedSql();
    const signal = new CommittedEventsSignal(sql, 80);
    const started = Date.now();
    signal.raise();
    expect(sent).toHaveLength(1);
    signal.raise();
    await completeOne();
    expect(sent).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
  });

  it('keeps signalling after a NOTIFY failed', async () => {
    let calls = 0;
    const sql: Sql = {
      query: async () => [],
      execute: async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection lost');
        return 1;
      },
      afterCommit: (effect) => effect(),
    };
    const signal = new CommittedEventsSignal(sql, 0);
    signal.raise();
    await new Promise((resolve) => setImmediate(resolve));
    signal.raise();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toBe(2);
  });
});
