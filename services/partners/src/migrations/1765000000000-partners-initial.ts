import { createEventTablesV1, dropEventTablesV1, upgradeEventTablesV2 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Partner API keys (only a SHA-256 of each secret) and the outbox/inbox at their current shape. */
export class PartnersInitial1765000000000 implements MigrationInterface {
  name = 'PartnersInitial1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table partner_api_key (
        id uuid primary key,
        name text not null check (char_length(name) between 1 and 100),
        scopes text[] not null check (
          cardinality(scopes) >= 1
          and scopes <@ array['catalog:read', 'availability:read', 'bookings:read', 'bookings:write']::text[]
        ),
        bucket_size integer not null check (bucket_size between 1 and 100000),
        restore_rate_per_second integer not null check (restore_rate_per_second between 1 and 10000),
        key_prefix text not null check (key_prefix ~ '^iik_[0-9a-f]{6}$'),
        secret_sha256 text not null unique check (secret_sha256 ~ '^[0-9a-f]{64}$'),
        created_at timestamptz not null,
        created_by text not null,
        revoked_at timestamptz,
        revoked_by text,
        check ((revoked_at is null) = (revoked_by is null))
      )`);
    await runner.query(`create index partner_api_key_created_idx on partner_api_key (created_at desc, id desc)`);
    await createEventTablesV1(runner);
    await upgradeEventTablesV2(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table partner_api_key`);
  }
}
