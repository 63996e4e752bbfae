import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

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

function sqlOn(runner: QueryRunner, afterCommit: (effect: () => void) => void): Sql {
  const prepared = async (text: string, params: readonly unknown[]) => {
    // TypeORM's Postgres runner hands out its pg client; TypeORM itself cannot name a statement.
    const client = (await runner.connect()) as PoolClient;
    return client.query({ name: statementName(text), text, values: params as unknown[] });
  };
  return {
    async query<Row>(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      if (options?.prepare) return (await prepared(text, params)).rows as Row[];
      const result = await runner.query(text, params as unknown[], true);
      return result.records as Row[];
    },
    async execute(text: string, params: readonly unknown[] = [], options?: QueryOptions) {
      if (options?.prepare) return (await prepared(text, params)).rowCount ?? 0;
      const result = await runner.query(text, params as unknown[], true);
      return result.affected ?? 0;
    },
    afterCommit,
  };
}

/**
 * One service's database: a TypeORM DataSource confined to the service's own schema
 * (search_path = its schema, then the shared extensions), with migrations and transactions.
 * `synchronize` is always off: the schema changes only through migrations.
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
    return this.withRunner((sql) => sql.query<Row>(text, params, options));
  }

  async execute(text: string, params: readonly unknown[] = [], options?: QueryOptions): Promise<number> {
    return this.withRunner((sql) => sql.execute(text, params, options));
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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    const effects: (() => void)[] = [];
    try {
      await runner.startTransaction();
      const result = await work(sqlOn(runner, (effect) => void effects.push(effect)));
      await runner.commitTransaction();
      runEffects(effects);
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  async ping(): Promise<void> {
    await this.query('select 1');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  private async withRunner<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work(sqlOn(runner, (effect) => this.afterCommit(effect)));
    } finally {
      await runner.release();
    }
  }
}
