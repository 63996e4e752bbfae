import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The narrow SQL surface repositories use; a transaction and the pool both provide it. */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns the number of rows it touched. */
  execute(text: string, params?: readonly unknown[]): Promise<number>;
}

export type MigrationClass = new () => MigrationInterface;

export interface DatabaseOptions {
  url: string;
  schema: string;
  poolMax?: number;
  migrations?: MigrationClass[];
  applicationName?: string;
}

function sqlOn(runner: QueryRunner): Sql {
  return {
    async query<Row>(text: string, params: readonly unknown[] = []) {
      const result = await runner.query(text, params as unknown[], true);
      return result.records as Row[];
    },
    async execute(text: string, params: readonly unknown[] = []) {
      const result = await runner.query(text, params as unknown[], true);
      return result.affected ?? 0;
    },
  };
}

/**
 * One service's database: a TypeORM DataSource confined to the service's own schema
 * (search_path = its schema, then the shared extensions), with migrations and transactions.
 * `synchronize` is always off: the schema changes only through migrations.
 */
export class Database {
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

  async query<Row = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.withRunner((sql) => sql.query<Row>(text, params));
  }

  async execute(text: string, params: readonly unknown[] = []): Promise<number> {
    return this.withRunner((sql) => sql.execute(text, params));
  }

  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const result = await work(sqlOn(runner));
      await runner.commitTransaction();
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
      return await work(sqlOn(runner));
    } finally {
      await runner.release();
    }
  }
}
