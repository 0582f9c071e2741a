/**
 * The catalog (docs/design.md §6.16): a queryable index of the entity versions each snapshot
 * holds, built from the `meta` of record entries alone. It is a cache of the repository:
 * `sync` brings it up to date incrementally, `rebuild` recreates it from scratch.
 */
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, type Selectable, SqliteDialect, sql } from 'kysely';
import { TidemarkError } from '../core/index.js';
import type { Repository, Snapshot, SnapshotReader } from '../store/index.js';
import { type CatalogDatabase, type CatalogVersionsTable, type Dialect, migrate } from './schema.js';

export interface EntityVersion {
  site: string;
  kind: string;
  entityId: string;
  contentHash: string;
  key: string | null;
  project: string | null;
  updated: string | null;
  summary: string | null;
}

export interface VersionInSnapshot extends EntityVersion {
  snapshotId: string;
  snapshotTime: string;
  path: string;
}

export interface CatalogDiff {
  added: EntityVersion[];
  changed: Array<{ before: EntityVersion; after: EntityVersion }>;
  deleted: EntityVersion[];
}

export interface SearchHit extends EntityVersion {
  /** The newest snapshot holding this version. */
  snapshotId: string;
  snapshotTime: string;
}

export interface CatalogDump {
  repository: string | undefined;
  snapshots: Array<{
    id: string;
    time: string;
    labels: string;
    site: string;
    incomplete: string | null;
    root: string;
    entities: number;
  }>;
  versions: EntityVersion[];
  members: string[];
}

const BATCH = 400;

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

export class Catalog {
  private constructor(
    readonly db: Kysely<CatalogDatabase>,
    readonly dialect: Dialect,
  ) {}

  /** Opens (creating if needed) a SQLite catalog file, or `:memory:`. */
  static async openSqlite(file: string): Promise<Catalog> {
    let database: Database.Database;
    try {
      database = new Database(file);
    } catch (e) {
      throw new TidemarkError(
        'config',
        `cannot open the catalog database ${file}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    return Catalog.open(new Kysely<CatalogDatabase>({ dialect: new SqliteDialect({ database }) }), 'sqlite');
  }

  /** Opens a catalog in a PostgreSQL database (`pg` Pool). */
  static async openPostgres(pool: ConstructorParameters<typeof PostgresDialect>[0]['pool']): Promise<Catalog> {
    return Catalog.open(new Kysely<CatalogDatabase>({ dialect: new PostgresDialect({ pool }) }), 'postgres');
  }

  static async open(db: Kysely<CatalogDatabase>, dialect: Dialect): Promise<Catalog> {
    await migrate(db, dialect);
    return new Catalog(db, dialect);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- repository binding ----------------------------------------------------------------

  async repositoryId(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('catalog_meta')
      .select('value')
      .where('key', '=', 'repository')
      .executeTakeFirst();
    return row?.value;
  }

  /** Binds an empty catalog to a repository; refuses a catalog of another repository. */
  async bind(repositoryId: string): Promise<void> {
    const current = await this.repositoryId();
    if (current === undefined) {
      await this.db.insertInto('catalog_meta').values({ key: 'repository', value: repositoryId }).execute();
    } else if (current !== repositoryId) {
      throw new TidemarkError(
        'config',
        `the catalog belongs to repository ${current.slice(0, 8)}, not ${repositoryId.slice(0, 8)}`,
        {
          hint: 'Run `tidemark catalog rebuild` to recreate it for this repository, or use --catalog to pick another file.',
        },
      );
    }
  }

  // ---- feeding ---------------------------------------------------------------------------

  async snapshotIds(): Promise<string[]> {
    return (await this.db.selectFrom('catalog_snapshots').select('id').orderBy('id').execute()).map((r) => r.id);
  }

  /** Adds one snapshot's entity versions (no-op when it is already there). Returns the entity count. */
  async addSnapshot(reader: SnapshotReader): Promise<number> {
    const s = reader.snapshot;
    const present = await this.db
      .selectFrom('catalog_snapshots')
      .select('id')
      .where('id', '=', s.id)
      .executeTakeFirst();
    if (present) return -1;
    const site = s.labels.site ?? '';
    let batch: Array<{ version: Omit<EntityVersion, never>; path: string }> = [];
    let count = 0;
    await this.db.transaction().execute(async (trx) => {
      const flush = async () => {
        if (batch.length === 0) return;
        await this.insertBatch(trx, s.id, batch);
        count += batch.length;
        batch = [];
      };
      for await (const { path, entry } of reader.walk()) {
        if (entry.type !== 'record' || !entry.meta) continue;
        const kind = str(entry.meta.kind);
        const entityId = str(entry.meta.id);
        if (!kind || !entityId) continue;
        batch.push({
          path: path.join('/'),
          version: {
            site,
            kind,
            entityId,
            contentHash: entry.blob,
            key: str(entry.meta.key),
            project: str(entry.meta.project),
            updated: str(entry.meta.updated),
            summary: str(entry.meta.summary),
          },
        });
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      await trx
        .insertInto('catalog_snapshots')
        .values({
          id: s.id,
          time: s.time,
          labels: JSON.stringify(Object.fromEntries(Object.entries(s.labels).sort())),
          site,
          incomplete: s.incomplete ?? null,
          root: s.root,
          entities: count,
        })
        .execute();
    });
    return count;
  }

  private async insertBatch(
    trx: Kysely<CatalogDatabase>,
    snapshotId: string,
    batch: Array<{ version: EntityVersion; path: string }>,
  ): Promise<void> {
    const natural = (v: { site: string; kind: string; entity_id: string; content_hash: string }) =>
      `${v.site}\0${v.kind}\0${v.entity_id}\0${v.content_hash}`;
    const hashes = [...new Set(batch.map((b) => b.version.contentHash))];
    const vids = new Map<string, number>();
    const existing = await trx
      .selectFrom('catalog_versions')
      .select(['vid', 'site', 'kind', 'entity_id', 'content_hash'])
      .where('content_hash', 'in', hashes)
      .execute();
    for (const r of existing) vids.set(natural(r), r.vid);
    const missing = new Map<string, EntityVersion>();
    for (const { version: v } of batch) {
      const k = natural({ site: v.site, kind: v.kind, entity_id: v.entityId, content_hash: v.contentHash });
      if (!vids.has(k)) missing.set(k, v);
    }
    if (missing.size > 0) {
      const inserted = await trx
        .insertInto('catalog_versions')
        .values(
          [...missing.values()].map((v) => ({
            site: v.site,
            kind: v.kind,
            entity_id: v.entityId,
            content_hash: v.contentHash,
            key: v.key,
            project: v.project,
            updated: v.updated,
            summary: v.summary,
          })),
        )
        .returning(['vid', 'site', 'kind', 'entity_id', 'content_hash', 'summary'])
        .execute();
      for (const r of inserted) vids.set(natural(r), r.vid);
      if (this.dialect === 'sqlite') {
        const rows = inserted.filter((r) => r.summary);
        for (let i = 0; i < rows.length; i += BATCH) {
          const part = rows.slice(i, i + BATCH);
          await sql`INSERT INTO catalog_fts (rowid, summary) VALUES ${sql.join(part.map((r) => sql`(${r.vid}, ${r.summary})`))}`.execute(
            trx,
          );
        }
      }
    }
    const members = new Map<number, string>();
    for (const { version: v, path } of batch) {
      const vid = vids.get(
        natural({ site: v.site, kind: v.kind, entity_id: v.entityId, content_hash: v.contentHash }),
      )!;
      if (!members.has(vid)) members.set(vid, path);
    }
    await trx
      .insertInto('catalog_members')
      .values([...members].map(([vid, path]) => ({ snapshot_id: snapshotId, vid, path })))
      .onConflict((oc) => oc.columns(['snapshot_id', 'vid']).doNothing())
      .execute();
  }

  /** Removes a snapshot and the versions no other snapshot holds. */
  async removeSnapshot(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('catalog_members').where('snapshot_id', '=', id).execute();
      await trx.deleteFrom('catalog_snapshots').where('id', '=', id).execute();
      const orphans = (
        await trx
          .selectFrom('catalog_versions as v')
          .select('v.vid')
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('catalog_members as m').select('m.vid').whereRef('m.vid', '=', 'v.vid'))),
          )
          .execute()
      ).map((r) => r.vid);
      for (let i = 0; i < orphans.length; i += BATCH) {
        const part = orphans.slice(i, i + BATCH);
        await trx.deleteFrom('catalog_versions').where('vid', 'in', part).execute();
        if (this.dialect === 'sqlite')
          await sql`DELETE FROM catalog_fts WHERE rowid IN (${sql.join(part)})`.execute(trx);
      }
    });
  }

  /**
   * Brings the catalog in line with the repository: adds snapshots it lacks, removes those the
   * repository no longer has. This is the incremental path; `rebuild` starts from nothing.
   */
  async sync(repo: Repository): Promise<{ added: number; removed: number }> {
    await this.bind(repo.id);
    const inRepo = await repo.listSnapshots();
    const known = new Set(await this.snapshotIds());
    const wanted = new Set(inRepo.map((s) => s.id));
    let removed = 0;
    for (const id of known) {
      if (!wanted.has(id)) {
        await this.removeSnapshot(id);
        removed++;
      }
    }
    const toAdd: Snapshot[] = inRepo.filter((s) => !known.has(s.id));
    for (const s of toAdd) {
      const reader = await repo.openSnapshotReader(s.id);
      try {
        await this.addSnapshot(reader);
      } finally {
        await reader.close();
      }
    }
    return { added: toAdd.length, removed };
  }

  /** Deletes everything and rebuilds the catalog from the repository alone. */
  async rebuild(repo: Repository): Promise<{ snapshots: number; versions: number }> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('catalog_members').execute();
      await trx.deleteFrom('catalog_versions').execute();
      await trx.deleteFrom('catalog_snapshots').execute();
      await trx.deleteFrom('catalog_meta').where('key', '=', 'repository').execute();
      if (this.dialect === 'sqlite') await sql`DELETE FROM catalog_fts`.execute(trx);
    });
    const { added } = await this.sync(repo);
    const versions = await this.db
      .selectFrom('catalog_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { snapshots: added, versions: Number(versions.n) };
  }

  // ---- queries ---------------------------------------------------------------------------

  /** Every version of one entity across snapshots, oldest snapshot first. */
  async versionsOf(query: { kind: string; key?: string; id?: string; site?: string }): Promise<VersionInSnapshot[]> {
    if (query.key === undefined && query.id === undefined) throw new TidemarkError('usage', 'give an entity key or id');
    let q = this.db
      .selectFrom('catalog_versions as v')
      .innerJoin('catalog_members as m', 'm.vid', 'v.vid')
      .innerJoin('catalog_snapshots as s', 's.id', 'm.snapshot_id')
      .select([
        'v.site',
        'v.kind',
        'v.entity_id',
        'v.content_hash',
        'v.key',
        'v.project',
        'v.updated',
        'v.summary',
        's.id as snapshot_id',
        's.time as snapshot_time',
        'm.path',
      ])
      .where('v.kind', '=', query.kind);
    if (query.key !== undefined) q = q.where('v.key', '=', query.key);
    if (query.id !== undefined) q = q.where('v.entity_id', '=', query.id);
    if (query.site !== undefined) q = q.where('v.site', '=', query.site);
    const rows = await q.orderBy('s.time').orderBy('s.id').execute();
    return rows.map((r) => ({
      ...toVersion(r),
      snapshotId: r.snapshot_id,
      snapshotTime: r.snapshot_time,
      path: r.path,
    }));
  }

  /** What was added, changed (other content) and deleted from snapshot `a` to snapshot `b`. */
  async diff(a: string, b: string): Promise<CatalogDiff> {
    for (const id of [a, b]) {
      const hit = await this.db.selectFrom('catalog_snapshots').select('id').where('id', '=', id).executeTakeFirst();
      if (!hit)
        throw new TidemarkError('not-found', `snapshot ${id} is not in the catalog`, {
          hint: 'Run `tidemark catalog rebuild`.',
        });
    }
    const only = async (from: string, other: string) =>
      (
        await this.db
          .selectFrom('catalog_members as m')
          .innerJoin('catalog_versions as v', 'v.vid', 'm.vid')
          .selectAll('v')
          .where('m.snapshot_id', '=', from)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('catalog_members as m2')
                  .innerJoin('catalog_versions as v2', 'v2.vid', 'm2.vid')
                  .select('v2.vid')
                  .where('m2.snapshot_id', '=', other)
                  .whereRef('v2.site', '=', 'v.site')
                  .whereRef('v2.kind', '=', 'v.kind')
                  .whereRef('v2.entity_id', '=', 'v.entity_id'),
              ),
            ),
          )
          .orderBy('v.kind')
          .orderBy('v.entity_id')
          .execute()
      ).map(toVersion);
    const changed = await this.db
      .selectFrom('catalog_members as mb')
      .innerJoin('catalog_versions as vb', 'vb.vid', 'mb.vid')
      .innerJoin('catalog_versions as va', (join) =>
        join
          .onRef('va.site', '=', 'vb.site')
          .onRef('va.kind', '=', 'vb.kind')
          .onRef('va.entity_id', '=', 'vb.entity_id')
          .onRef('va.vid', '<>', 'vb.vid'),
      )
      .innerJoin('catalog_members as ma', (join) => join.onRef('ma.vid', '=', 'va.vid').on('ma.snapshot_id', '=', a))
      .where('mb.snapshot_id', '=', b)
      .select([
        'va.site as a_site',
        'va.kind as a_kind',
        'va.entity_id as a_entity_id',
        'va.content_hash as a_content_hash',
        'va.key as a_key',
        'va.project as a_project',
        'va.updated as a_updated',
        'va.summary as a_summary',
        'vb.site',
        'vb.kind',
        'vb.entity_id',
        'vb.content_hash',
        'vb.key',
        'vb.project',
        'vb.updated',
        'vb.summary',
      ])
      .orderBy('vb.kind')
      .orderBy('vb.entity_id')
      .execute();
    return {
      added: await only(b, a),
      deleted: await only(a, b),
      changed: changed.map((r) => ({
        before: toVersion({
          site: r.a_site,
          kind: r.a_kind,
          entity_id: r.a_entity_id,
          content_hash: r.a_content_hash,
          key: r.a_key,
          project: r.a_project,
          updated: r.a_updated,
          summary: r.a_summary,
        }),
        after: toVersion(r),
      })),
    };
  }

  /** Versions whose summary matches the words of `text` (all of them, any order; FTS5 on SQLite). */
  async search(text: string, options: { kind?: string; site?: string; limit?: number } = {}): Promise<SearchHit[]> {
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) throw new TidemarkError('usage', 'give some words to search for');
    const limit = options.limit ?? 50;
    let q = this.db
      .selectFrom('catalog_versions as v')
      .selectAll('v')
      .select((eb) => [
        eb
          .selectFrom('catalog_members as m')
          .innerJoin('catalog_snapshots as s', 's.id', 'm.snapshot_id')
          .select('s.id')
          .whereRef('m.vid', '=', 'v.vid')
          .orderBy('s.time', 'desc')
          .limit(1)
          .as('snapshot_id'),
        eb
          .selectFrom('catalog_members as m')
          .innerJoin('catalog_snapshots as s', 's.id', 'm.snapshot_id')
          .select('s.time')
          .whereRef('m.vid', '=', 'v.vid')
          .orderBy('s.time', 'desc')
          .limit(1)
          .as('snapshot_time'),
      ]);
    if (this.dialect === 'sqlite') {
      // each word a quoted FTS5 string: user text never becomes query syntax
      const match = words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' ');
      q = q.where(sql<boolean>`v.vid IN (SELECT rowid FROM catalog_fts WHERE catalog_fts MATCH ${match})`);
    } else {
      for (const w of words) q = q.where(sql<boolean>`v.summary ILIKE ${`%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
    }
    if (options.kind !== undefined) q = q.where('v.kind', '=', options.kind);
    if (options.site !== undefined) q = q.where('v.site', '=', options.site);
    const rows = await q.orderBy('v.kind').orderBy('v.entity_id').orderBy('v.vid').limit(limit).execute();
    return rows.map((r) => ({
      ...toVersion(r),
      snapshotId: String(r.snapshot_id),
      snapshotTime: String(r.snapshot_time),
    }));
  }

  /** The whole catalog in a form that does not depend on insertion order (for comparisons). */
  async dump(): Promise<CatalogDump> {
    const snapshots = await this.db.selectFrom('catalog_snapshots').selectAll().orderBy('id').execute();
    const versions = (await this.db.selectFrom('catalog_versions').selectAll().execute())
      .map(toVersion)
      .sort((x, y) => cmp(key(x), key(y)));
    const members = (
      await this.db
        .selectFrom('catalog_members as m')
        .innerJoin('catalog_versions as v', 'v.vid', 'm.vid')
        .select(['m.snapshot_id', 'm.path', 'v.site', 'v.kind', 'v.entity_id', 'v.content_hash'])
        .execute()
    )
      .map((r) => [r.snapshot_id, r.path, r.site, r.kind, r.entity_id, r.content_hash].join('|'))
      .sort(cmp);
    return {
      repository: await this.repositoryId(),
      snapshots: snapshots.map((s) => ({ ...s, entities: Number(s.entities) })),
      versions,
      members,
    };
  }
}

function toVersion(r: Omit<Selectable<CatalogVersionsTable>, 'vid'>): EntityVersion {
  return {
    site: r.site,
    kind: r.kind,
    entityId: r.entity_id,
    contentHash: r.content_hash,
    key: r.key,
    project: r.project,
    updated: r.updated,
    summary: r.summary,
  };
}

const key = (v: EntityVersion) => [v.site, v.kind, v.entityId, v.contentHash].join('\0');
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
