/**
 * The catalog: fed incrementally as snapshots are written and forgotten, it equals a catalog
 * rebuilt from the repository alone; the three queries answer what the repository holds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { FakeClock } from '../../src/core/index.js';
import { Catalog } from '../../src/catalog/index.js';
import { MemBackend } from '../../src/store/backend/index.js';
import { type Repository, type TreeEntry, forgetSnapshots } from '../../src/store/index.js';
import { newRepo, reopen } from '../store/helpers.js';

interface Issue {
  id: string;
  key: string;
  summary: string;
  updated: string;
}

const base: Issue[] = [
  { id: '101', key: 'ABC-1', summary: 'Login page broken on Safari', updated: '2026-01-01T10:00:00.000+0000' },
  { id: '102', key: 'ABC-2', summary: 'Export to CSV is slow', updated: '2026-01-01T10:00:00.000+0000' },
  { id: '103', key: 'ABC-3', summary: 'Crash on save with attachments', updated: '2026-01-01T10:00:00.000+0000' },
  { id: '104', key: 'ABC-4', summary: 'Café menu shows wrong prices', updated: '2026-01-01T10:00:00.000+0000' },
  { id: '105', key: 'ABC-5', summary: 'Obsolete request', updated: '2026-01-01T10:00:00.000+0000' },
];
const edit = (i: Issue, summary: string, updated: string): Issue => ({ ...i, summary, updated });
const v1 = [
  base[0]!,
  edit(base[1]!, 'Export to CSV is slow for big projects', '2026-01-02T09:00:00.000+0000'),
  base[2]!,
  base[3]!,
  { id: '106', key: 'ABC-6', summary: 'Dark mode for the board', updated: '2026-01-02T11:00:00.000+0000' },
];
const v2 = v1.map((i) => (i.key === 'ABC-2' ? edit(i, 'Export to CSV times out', '2026-01-03T08:00:00.000+0000') : i));
const xyz: Issue[] = [
  { id: '201', key: 'XYZ-1', summary: 'Crash when login expires', updated: '2026-01-02T00:00:00.000+0000' },
];

async function backup(repo: Repository, project: string, issues: Issue[], time: number): Promise<string> {
  const w = await repo.openSnapshotWriter({ labels: { site: 'acme.example', project }, time });
  const entries: TreeEntry[] = [];
  for (const i of issues) {
    const ref = await w.putRecord({ id: i.id, key: i.key, fields: { summary: i.summary, updated: i.updated } });
    entries.push({
      name: i.key,
      type: 'record',
      blob: ref.id,
      size: ref.size,
      meta: { kind: 'issue', id: i.id, key: i.key, project, updated: i.updated, summary: i.summary },
    });
  }
  // a configuration record without entity meta: not an entity, not in the catalog
  const cfg = await w.putRecord({ workflow: 'default' });
  const issuesTree = await w.writeTree(entries);
  const projectMeta = await w.putRecord({ key: project });
  const root = await w.writeTree([
    { name: 'issues', type: 'tree', tree: issuesTree },
    {
      name: 'project',
      type: 'record',
      blob: projectMeta.id,
      size: projectMeta.size,
      meta: { kind: 'project', id: project, key: project, project, updated: null, summary: `Project ${project}` },
    },
    { name: 'workflow', type: 'record', blob: cfg.id, size: cfg.size },
  ]);
  return w.finish(root);
}

async function addIncrementally(catalog: Catalog, repo: Repository, id: string): Promise<void> {
  await catalog.bind(repo.id);
  const reader = await repo.openSnapshotReader(id);
  await catalog.addSnapshot(reader);
  await reader.close();
}

async function scenario(incremental: Catalog) {
  const clock = new FakeClock(Date.UTC(2026, 0, 5));
  const repo = await newRepo(new MemBackend(), { clock });
  const s1 = await backup(repo, 'ABC', base, Date.UTC(2026, 0, 1, 12));
  await addIncrementally(incremental, repo, s1);
  const s2 = await backup(repo, 'ABC', v1, Date.UTC(2026, 0, 2, 12));
  await addIncrementally(incremental, repo, s2);
  const x1 = await backup(repo, 'XYZ', xyz, Date.UTC(2026, 0, 2, 13));
  await addIncrementally(incremental, repo, x1);
  const s3 = await backup(repo, 'ABC', v2, Date.UTC(2026, 0, 3, 12));
  await addIncrementally(incremental, repo, s3);
  return { repo, s1, s2, s3, x1 };
}

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of closers) await c();
});

function catalogSuite(name: string, open: () => Promise<Catalog>) {
  describe(`catalog (${name})`, () => {
    it('rebuild from the repository alone equals the incremental catalog, before and after a forget', async () => {
      const incremental = await open();
      const { repo, s1 } = await scenario(incremental);
      const rebuilt = await open();
      await rebuilt.rebuild(await reopen(repo));
      const inc = await incremental.dump();
      expect(await rebuilt.dump()).toEqual(inc);
      expect(inc.snapshots).toHaveLength(4);
      // ABC: 5 issues + ABC-2 edited twice + ABC-6; XYZ: 1 issue; one unchanged project record per project
      expect(inc.versions).toHaveLength(5 + 2 + 1 + 1 + 2);
      expect(inc.members).toHaveLength(6 + 6 + 2 + 6);

      await forgetSnapshots(repo, [s1]);
      await incremental.removeSnapshot(s1);
      const rebuiltAfter = await open();
      await rebuiltAfter.rebuild(repo);
      expect(await rebuiltAfter.dump()).toEqual(await incremental.dump());
      expect((await incremental.dump()).versions.map((v) => v.key)).not.toContain('ABC-5'); // only S1 held it
      // sync is the incremental path from the repository: nothing to do now
      expect(await incremental.sync(repo)).toEqual({ added: 0, removed: 0 });
    });

    it('lists every version of an issue across snapshots', async () => {
      const catalog = await open();
      const { s1, s2, s3 } = await scenario(catalog);
      const rows = await catalog.versionsOf({ kind: 'issue', key: 'ABC-2' });
      expect(rows.map((r) => r.snapshotId)).toEqual([s1, s2, s3]);
      expect(rows.map((r) => r.summary)).toEqual([
        'Export to CSV is slow',
        'Export to CSV is slow for big projects',
        'Export to CSV times out',
      ]);
      expect(new Set(rows.map((r) => r.contentHash)).size).toBe(3);
      expect(rows.every((r) => r.path === 'issues/ABC-2' && r.site === 'acme.example')).toBe(true);
      const byId = await catalog.versionsOf({ kind: 'issue', id: '101' });
      expect(byId).toHaveLength(3);
      expect(new Set(byId.map((r) => r.contentHash)).size).toBe(1); // unchanged: one version in three snapshots
    });

    it('tells what was added, changed and deleted between two snapshots', async () => {
      const catalog = await open();
      const { s1, s2, s3 } = await scenario(catalog);
      const d = await catalog.diff(s1, s2);
      expect(d.added.map((v) => v.key)).toEqual(['ABC-6']);
      expect(d.deleted.map((v) => v.key)).toEqual(['ABC-5']);
      expect(d.changed.map((c) => [c.before.summary, c.after.summary])).toEqual([
        ['Export to CSV is slow', 'Export to CSV is slow for big projects'],
      ]);
      const none = await catalog.diff(s3, s3);
      expect([none.added, none.changed, none.deleted]).toEqual([[], [], []]);
      const back = await catalog.diff(s3, s1);
      expect(back.added.map((v) => v.key)).toEqual(['ABC-5']);
      expect(back.deleted.map((v) => v.key)).toEqual(['ABC-6']);
      await expect(catalog.diff(s1, '0'.repeat(64))).rejects.toMatchObject({ kind: 'not-found' });
    });

    it('searches summaries by words, newest snapshot first-class', async () => {
      const catalog = await open();
      const { s3, x1 } = await scenario(catalog);
      const crash = await catalog.search('crash');
      expect(crash.map((h) => h.key)).toEqual(['ABC-3', 'XYZ-1']);
      expect(crash.find((h) => h.key === 'ABC-3')!.snapshotId).toBe(s3); // the newest snapshot holding it
      expect(crash.find((h) => h.key === 'XYZ-1')!.snapshotId).toBe(x1);
      expect((await catalog.search('crash login')).map((h) => h.key)).toEqual(['XYZ-1']); // every word must match
      expect((await catalog.search('export csv', { kind: 'issue' })).map((h) => h.summary)).toEqual([
        'Export to CSV is slow',
        'Export to CSV is slow for big projects',
        'Export to CSV times out',
      ]);
      expect((await catalog.search('nothing-like-this')).length).toBe(0);
      expect((await catalog.search('"unbalanced OR (')).length).toBe(0); // user text is never query syntax
      if (name === 'sqlite') expect((await catalog.search('cafe')).map((h) => h.key)).toEqual(['ABC-4']);
    });

    it('refuses to mix repositories', async () => {
      const catalog = await open();
      const { repo } = await scenario(catalog);
      const other = await newRepo();
      await expect(catalog.sync(other)).rejects.toMatchObject({ kind: 'config' });
      await expect(catalog.sync(repo)).resolves.toEqual({ added: 0, removed: 0 });
    });
  });
}

catalogSuite('sqlite', async () => {
  const c = await Catalog.openSqlite(':memory:');
  closers.push(() => c.close());
  return c;
});

// PostgreSQL when CI provides it (TIDEMARK_TEST_PG): the same code through kysely's Postgres dialect.
const pgUrl = process.env.TIDEMARK_TEST_PG;
if (pgUrl) {
  let n = 0;
  const schema = `tidemark_catalog_test_${process.pid}`;
  catalogSuite('postgres', async () => {
    const s = `${schema}_${n++}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE; CREATE SCHEMA ${s}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: pgUrl, options: `-c search_path=${s}`, max: 2 });
    const c = await Catalog.openPostgres(pool);
    closers.push(async () => {
      await c.close();
      const a = new pg.Client({ connectionString: pgUrl });
      await a.connect();
      await a.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await a.end();
    });
    return c;
  });
}
