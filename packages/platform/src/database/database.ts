import { createHash } from 'node:crypto';
import type { Pool, PoolClient, QueryResult } from 'pg';
import { DataSource, type MigrationInterface } from 'typeorm';

export interface QueryOptions {
  /**
   * Run as a named prepared statement: each connection parses and plans the text once and reuses
   * it. For hot statements whose text does not vary (only their parameters do).
   */
  prepare?: boolean;
}

/** The narrow SQL surface repositories use; a transaction and the pool both provide it. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<Row[]>;
  /** Runs a statement and returns the number of rows it touched. */
  execute(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<number>;
  /**
   * Runs `effect` once what was written through this Sql so far is committed: after the commit of
   * the transaction (never, when it rolls back), or at once outside a transaction, where each
   * statement commits as it completes. For signals that must not be seen before the data they
   * announce; an effect's failure is its own (it cannot undo the commit).
   */
  afterCommit(effect: () => void): void;
}

const statementNames = new Map<string, string>();

/** A stable name per statement text (pg keeps prepared statements per connection by name). */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `s_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

export type MigrationClass = new () => MigrationInterface;

export interface DatabaseOptions {
  url: string;
  schema: string;
  poolMax?: number;
  migrations?: MigrationClass[];
  applicationName?: string;
}

/** Runs committed effects; one that throws does not stop the others (or fail the committed work). */
function runEffects(effects: readonly (() => void)[]): void {
  for (const effect of effects) {
    try {
      effect();
    } catch {
      // The transaction committed; an effect's failure is the effect's to report.
    }
  }
}

/** One statement on a pg pool or client, as a named prepared statement when asked. */
function run(on: Pool | PoolClient, text: string, params: readonly unknown[], options: QueryOptions | undefined): Promise<QueryResult> {
  const values = params as unknown[];
  return options?.prepare ? on.query({ name: statementName(text), text, values }) : on.query(text, values);
}

/** The statements of one transaction, on the client it holds; effects wait for its commit. */
class TransactionSql implements Sql {
  readonly effects: (() => void)[] = [];

  constructor(private readonly client: PoolClient) {}

  async query<Row>(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    return (await run(this.client, text, params, options)).rows as Row[];
  }

  async execute(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<number> {
    return (await run(this.client, text, params, options)).rowCount ?? 0;
  }

  afterCommit(effect: () => void): void {
    this.effects.push(effect);
  }
}

/**
 * One service's database, confined to the service's own schema (search_path = its schema, then
 * the shared extensions). Migrations run through TypeORM (`synchronize` is always off: the schema
 * changes only through migrations); statements and transactions go straight to the pg pool under
 * it, the hot path of every request, with no ORM layer per statement.
 */
export class Database implements Sql {
  readonly dataSource: DataSource;

  constructor(readonly options: DatabaseOptions) {
    this.dataSource = new DataSource({
      type: 'postgres',
      url: options.url,
      schema: options.schema,
      synchronize: false,
      migrationsRun: false,
      migrations: options.migrations ?? [],
      migrationsTableName: 'schema_migrations',
      logging: false,
      extra: {
        max: options.poolMax ?? 10,
        application_name: options.applicationName ?? options.schema,
        options: `-c search_path=${options.schema},extensions`,
      },
    });
  }

  async connect(): Promise<this> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
    return this;
  }

  /** Applies pending migrations, each in its own transaction; returns the names applied. */
  async migrate(): Promise<string[]> {
    const applied = await this.dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  }

  async query<Row = Record<string, unknown>>(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<Row[]> {
    return (await run(this.pool, text, params, options)).rows as Row[];
  }

  async execute(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<number> {
    return (await run(this.pool, text, params, options)).rowCount ?? 0;
  }

  /** Outside a transaction every statement has committed when it completes: `effect` runs at once. */
  afterCommit(effect: () => void): void {
    runEffects([effect]);
  }

  /**
   * Runs `work` in one transaction: everything it writes commits together or not at all. Effects
   * registered with `tx.afterCommit` run after the commit, before this resolves.
   */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // A client whose rollback failed is in an unknown state: the pool discards it instead of reusing it.
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const tx = new TransactionSql(client);
      const result = await work(tx);
      // A transaction a failed statement aborted answers COMMIT with ROLLBACK, not an error.
      if ((await client.query('commit')).command === 'ROLLBACK') throw new Error('The transaction was rolled back: a statement in it failed');
      runEffects(tx.effects);
      return result;
    } catch (error) {
      await client.query('rollback').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.query('select 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** The pg pool TypeORM made from these options (connected by connect()). */
  private get pool(): Pool {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    if (!pool) throw new Error(`The ${this.options.schema} database is not connected`);
    return pool;
  }
}
