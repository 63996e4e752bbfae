import type { NewEvent } from '@instainstru/events';
import type { Database, Outbox, Sql } from '@instainstru/platform';
import type { PartnerApiKeyRepository, PartnerApiKeyUnitOfWork } from '../domain/partner-api-key.ports';
import type { HashedPartnerApiKey, PartnerApiKey, PartnerScope } from '../domain/partner-api-key.types';

interface PartnerApiKeyRow {
  id: string;
  name: string;
  scopes: PartnerScope[];
  bucket_size: number;
  restore_rate_per_second: number;
  key_prefix: string;
  secret_sha256: string;
  created_at: Date;
  created_by: string;
  revoked_at: Date | null;
}

const COLUMNS = 'id, name, scopes, bucket_size, restore_rate_per_second, key_prefix, secret_sha256, created_at, created_by, revoked_at';

function keyOf(row: PartnerApiKeyRow): PartnerApiKey {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    plan: { bucketSize: row.bucket_size, restoreRatePerSecond: row.restore_rate_per_second },
    keyPrefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}

const hashedOf = (row: PartnerApiKeyRow): HashedPartnerApiKey => ({ key: keyOf(row), secretHash: row.secret_sha256 });

export class PostgresPartnerApiKeyUnitOfWork implements PartnerApiKeyUnitOfWork {
  constructor(
    private readonly tx: Sql,
    private readonly outbox: Outbox,
  ) {}

  async insert({ key, secretHash }: HashedPartnerApiKey): Promise<void> {
    await this.tx.execute(
      `insert into partner_api_key (id, name, scopes, bucket_size, restore_rate_per_second, key_prefix, secret_sha256, created_at, created_by)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [key.id, key.name, key.scopes, key.plan.bucketSize, key.plan.restoreRatePerSecond, key.keyPrefix, secretHash, key.createdAt, key.createdBy],
    );
  }

  async revokeActive(id: string, revokedBy: string, at: Date): Promise<HashedPartnerApiKey | null> {
    const [row] = await this.tx.query<PartnerApiKeyRow>(
      `update partner_api_key set revoked_at = $2, revoked_by = $3 where id = $1 and revoked_at is null returning ${COLUMNS}`,
      [id, at, revokedBy],
    );
    return row ? hashedOf(row) : null;
  }

  async findById(id: string): Promise<HashedPartnerApiKey | null> {
    const [row] = await this.tx.query<PartnerApiKeyRow>(`select ${COLUMNS} from partner_api_key where id = $1`, [id]);
    return row ? hashedOf(row) : null;
  }

  async publish(event: NewEvent<object>): Promise<void> {
    await this.outbox.append(this.tx, event);
  }
}

export class PostgresPartnerApiKeyRepository implements PartnerApiKeyRepository {
  constructor(
    private readonly db: Database,
    private readonly outbox: Outbox,
  ) {}

  async list(includeRevoked: boolean, limit: number): Promise<PartnerApiKey[]> {
    const rows = await this.db.query<PartnerApiKeyRow>(
      `select ${COLUMNS} from partner_api_key where $1 or revoked_at is null order by created_at desc, id desc limit $2`,
      [includeRevoked, limit],
    );
    return rows.map(keyOf);
  }

  async active(): Promise<HashedPartnerApiKey[]> {
    const rows = await this.db.query<PartnerApiKeyRow>(`select ${COLUMNS} from partner_api_key where revoked_at is null`);
    return rows.map(hashedOf);
  }

  async revokedHashes(): Promise<string[]> {
    const rows = await this.db.query<{ secret_sha256: string }>(`select secret_sha256 from partner_api_key where revoked_at is not null`);
    return rows.map((r) => r.secret_sha256);
  }

  transaction<T>(work: (unitOfWork: PartnerApiKeyUnitOfWork) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PostgresPartnerApiKeyUnitOfWork(tx, this.outbox)));
  }
}
