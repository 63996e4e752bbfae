import type { QueryRunner } from 'typeorm';

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
