import { createEventTablesV1, dropEventTablesV1 } from '@instainstru/platform';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogInitial1763900000000 implements MigrationInterface {
  name = 'CatalogInitial1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table category (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text not null,
        subtitle text,
        icon_name text not null,
        display_order integer not null,
        is_virtual boolean not null default false
      )`);
    await runner.query(`
      create table service (
        id uuid primary key default gen_random_uuid(),
        slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        name text not null,
        category_id uuid not null references category(id),
        synonyms text[] not null default '{}',
        display_order integer not null default 0
      )`);
    await runner.query(`create index service_category_idx on service (category_id, display_order)`);
    await createEventTablesV1(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await dropEventTablesV1(runner);
    await runner.query(`drop table service`);
    await runner.query(`drop table category`);
  }
}
