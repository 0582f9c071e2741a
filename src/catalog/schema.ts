/** The catalog's tables (docs/design.md §6.16). */
import { type Generated, type Kysely, sql } from 'kysely';

export interface CatalogMetaTable {
  key: string;
  value: string;
}

export interface CatalogSnapshotsTable {
  id: string;
  time: string;
  labels: string;
  site: string;
  incomplete: string | null;
  root: string;
  entities: number;
}

export interface CatalogVersionsTable {
  vid: Generated<number>;
  site: string;
  kind: string;
  entity_id: string;
  content_hash: string;
  key: string | null;
  project: string | null;
  updated: string | null;
  summary: string | null;
}

export interface CatalogMembersTable {
  snapshot_id: string;
  vid: number;
  path: string;
}

export interface CatalogDatabase {
  catalog_meta: CatalogMetaTable;
  catalog_snapshots: CatalogSnapshotsTable;
  catalog_versions: CatalogVersionsTable;
  catalog_members: CatalogMembersTable;
}

export type Dialect = 'sqlite' | 'postgres';

export const SCHEMA_VERSION = '1';

export async function migrate(db: Kysely<CatalogDatabase>, dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('catalog_meta')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('catalog_snapshots')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('incomplete', 'text')
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('entities', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('catalog_versions')
    .ifNotExists()
    .addColumn('vid', dialect === 'postgres' ? 'serial' : 'integer', (c) =>
      dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('site', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('key', 'text')
    .addColumn('project', 'text')
    .addColumn('updated', 'text')
    .addColumn('summary', 'text')
    .addUniqueConstraint('catalog_versions_natural', ['site', 'kind', 'entity_id', 'content_hash'])
    .execute();
  await db.schema
    .createIndex('catalog_versions_entity')
    .ifNotExists()
    .on('catalog_versions')
    .columns(['site', 'kind', 'entity_id'])
    .execute();
  await db.schema
    .createIndex('catalog_versions_key')
    .ifNotExists()
    .on('catalog_versions')
    .columns(['kind', 'key'])
    .execute();
  await db.schema
    .createIndex('catalog_versions_hash')
    .ifNotExists()
    .on('catalog_versions')
    .column('content_hash')
    .execute();
  await db.schema
    .createTable('catalog_members')
    .ifNotExists()
    .addColumn('snapshot_id', 'text', (c) => c.notNull())
    .addColumn('vid', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalog_members_pk', ['snapshot_id', 'vid'])
    .execute();
  await db.schema.createIndex('catalog_members_vid').ifNotExists().on('catalog_members').column('vid').execute();
  if (dialect === 'sqlite') {
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS catalog_fts USING fts5(summary, tokenize = 'unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
  await db
    .insertInto('catalog_meta')
    .values({ key: 'schema', value: SCHEMA_VERSION })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
