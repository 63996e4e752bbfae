import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { MigrationClass } from '../database/database';

/**
 * The outbox and inbox tables every service keeps in its own schema. Called from each service's
 * first migration; a later change to these tables is a new migration, never an edit here.
 */
export async function createEventTablesV1(runner: QueryRunner): Promise<void> {
  await runner.query(`
    create table outbox (
      seq bigserial primary key,
      id uuid not null unique,
      topic text not null,
      aggregate_id text not null,
      type text not null,
      version integer not null,
      envelope jsonb not null,
      created_at timestamptz not null default now(),
      published_at timestamptz
    )`);
  await runner.query(`create index outbox_unpublished_idx on outbox (seq) where published_at is null`);
  await runner.query(`
    create table inbox (
      consumer text not null,
      event_id uuid not null,
      event_type text not null,
      processed_at timestamptz not null default now(),
      primary key (consumer, event_id)
    )`);
}

export async function dropEventTablesV1(runner: QueryRunner): Promise<void> {
  await runner.query(`drop table if exists inbox`);
  await runner.query(`drop table if exists outbox`);
}

/**
 * The outbox keeps each envelope as the JSON text that was validated on append (`json`, not
 * `jsonb`): the relay publishes those exact bytes without parsing them back, and an append no
 * longer builds a binary document nobody queries. The unique index on the event id goes too: ids
 * are fresh random UUIDs, and consumers deduplicate by id in their inbox whatever the outbox holds.
 * Rewrites the outbox under an exclusive lock (appends wait for it).
 */
export async function upgradeEventTablesV2(runner: QueryRunner): Promise<void> {
  await runner.query(`alter table outbox drop constraint outbox_id_key`);
  await runner.query(`alter table outbox alter column envelope type json using envelope::json`);
}

export async function downgradeEventTablesV2(runner: QueryRunner): Promise<void> {
  await runner.query(`alter table outbox alter column envelope type jsonb using envelope::jsonb`);
  await runner.query(`alter table outbox add constraint outbox_id_key unique (id)`);
}

/** A service's migration to the V2 event tables, listed under the service's own migration `name`. */
export function eventTablesV2Migration(name: string): MigrationClass {
  return class implements MigrationInterface {
    name = name;
    up = upgradeEventTablesV2;
    down = downgradeEventTablesV2;
  };
}
