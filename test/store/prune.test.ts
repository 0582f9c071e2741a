import { describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError } from '../../src/core/index.js';
import { MemBackend, listAll, mapFsError } from '../../src/store/backend/index.js';
import {
  type Repository,
  type TreeEntry,
  check,
  forget,
  forgetSnapshots,
  prune,
  repoStats,
} from '../../src/store/index.js';
import {
  FaultyBackend,
  type IssueRecord,
  issue,
  newRepo,
  noise,
  snapshotOf,
  totalBytes,
  writeIssues,
} from './helpers.js';

/** Every record of a snapshot, by path. */
async function contents(repo: Repository, id: string): Promise<Map<string, unknown>> {
  const reader = await repo.openSnapshotReader(id);
  const out = new Map<string, unknown>();
  for await (const { path, entry } of reader.walk()) {
    if (entry.type === 'record') out.set(path.join('/'), await reader.readRecord(entry.blob));
  }
  await reader.close();
  return out;
}

/** Bytes of the packs that are not stored blobs: 30 + 42 per blob (sealed header) + 8 (trailer) per pack. */
async function packOverhead(repo: Repository): Promise<{ overhead: number; blobBytes: number }> {
  await repo.refreshIndex();
  const perPack = new Map<string, number>();
  let blobBytes = 0;
  for (const e of repo.index.entries()) {
    perPack.set(e.pack, (perPack.get(e.pack) ?? 0) + 1);
    blobBytes += e.length;
  }
  return { overhead: [...perPack.values()].reduce((n, c) => n + 38 + 42 * c, 0), blobBytes };
}

const range = (from: number, to: number, version = 0): IssueRecord[] =>
  Array.from({ length: to - from }, (_, i) => issue(from + i, version));

describe('forget + prune', () => {
  it('forget follows the policy per label group, leaves other groups alone, and honours --dry-run', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 1));
    const repo = await newRepo(new MemBackend(), { clock });
    const ids: Record<string, string[]> = { ABC: [], XYZ: [] };
    for (let day = 0; day < 5; day++) {
      for (const project of ['ABC', 'XYZ']) {
        ids[project]!.push(await snapshotOf(repo, { site: 'acme', project }, range(0, 5 + day), clock.now()));
      }
      clock.advance(86_400_000);
    }
    const dry = await forget(repo, { last: 2 }, { dryRun: true });
    expect(dry.removed).toHaveLength(6);
    expect(await repo.listSnapshots()).toHaveLength(10); // nothing deleted
    const result = await forget(repo, { last: 2 }, { groupBy: ['site', 'project'] });
    expect(result.groups).toHaveLength(2);
    const left = (await repo.listSnapshots()).map((s) => s.id).sort();
    expect(left).toEqual([...ids.ABC!.slice(3), ...ids.XYZ!.slice(3)].sort());
    await expect(forget(repo, {})).rejects.toMatchObject({ kind: 'usage' });
  });

  it('forget removes a checkpoint once its group has a newer complete snapshot, and never counts it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 2, 1));
    const faulty = new FaultyBackend(new MemBackend());
    const repo = await newRepo(faulty, { clock });
    const labels = { site: 'acme' };
    const w = await repo.openSnapshotWriter({ labels });
    const cp = await w.checkpoint(await writeIssues(w, range(0, 3)));
    await w.abort();
    clock.advance(1000);
    // a checkpoint newer than every complete snapshot stays
    expect((await forget(repo, { last: 1 })).removed).toEqual([]);
    clock.advance(1000);
    // the next run writes its snapshot but cannot delete the checkpoint it supersedes (as if killed)
    faulty.failOn(
      'delete',
      (n) => n.startsWith('snapshots/'),
      () => new Error('killed'),
    );
    const w2 = await repo.openSnapshotWriter({ labels });
    await w2.finish(await writeIssues(w2, range(0, 5)));
    const snaps = await repo.listSnapshots();
    expect(snaps).toHaveLength(2);
    const done = snaps.find((s) => s.incomplete === undefined)!.id;
    const result = await forget(repo, { last: 1 });
    expect(result.removed).toEqual([cp]);
    expect(result.groups[0]!.decisions.map((d) => d.snapshot.id)).toEqual([done]); // the checkpoint was not counted
    expect((await repo.listSnapshots()).map((s) => s.id)).toEqual([done]);
  });

  it('prune deletes unreachable blobs, repacks partly used packs and reclaims exactly the unused bytes', async () => {
    const repo = await newRepo();
    const a = await snapshotOf(repo, { site: 's', project: 'A' }, range(0, 400));
    const b = await snapshotOf(repo, { site: 's', project: 'B' }, range(200, 600, 1));
    const c = await snapshotOf(repo, { site: 's', project: 'C' }, range(0, 100));
    const before = { a: await contents(repo, a), c: await contents(repo, c) };
    await forgetSnapshots(repo, [b]);
    const bytesBefore = await totalBytes(repo.backend, 'data/');
    const report = await prune(repo, { repackThreshold: 0 });

    // measured on the backend, independently of the report
    const bytesAfter = await totalBytes(repo.backend, 'data/');
    expect(report.bytesReclaimed).toBe(bytesBefore - bytesAfter);
    expect(bytesAfter).toBeLessThan(bytesBefore * 0.75); // b's 400 distinct records were about half
    expect(report.packsDeleted + report.packsRepacked).toBeGreaterThan(0);
    expect(report.blobsRemoved).toBeGreaterThanOrEqual(400);

    // with threshold 0 no unused byte remains: pack bytes = reachable blobs + headers and trailers
    const { overhead, blobBytes } = await packOverhead(repo);
    expect(bytesAfter).toBe(blobBytes + overhead);
    const reachable = new Set<string>();
    for (const id of [a, c]) {
      const r = await repo.openSnapshotReader(id);
      for await (const { entry } of r.walk()) if (entry.type === 'record') reachable.add(entry.blob);
      await r.close();
    }
    const dataBlobs = [...repo.index.entries()].filter((e) => e.type === 0).length;
    expect(dataBlobs).toBe(reachable.size);

    // what remains reads back identically and checks clean, data included
    expect(await contents(repo, a)).toEqual(before.a);
    expect(await contents(repo, c)).toEqual(before.c);
    const report2 = await check(repo, { readData: true });
    expect(report2.errors).toEqual([]);
    expect(report2.notes).toEqual([]);
    // a second prune has nothing to do
    const again = await prune(repo, { repackThreshold: 0 });
    expect(again.bytesReclaimed).toBe(0);
  });

  it('prune leaves partly used packs below the repack threshold alone', async () => {
    const repo = await newRepo();
    const a = await snapshotOf(repo, { site: 's' }, range(0, 300));
    const b = await snapshotOf(repo, { site: 's' }, [...range(0, 290), ...range(290, 300, 1)]);
    await forgetSnapshots(repo, [a]);
    // threshold 100 %: only packs with no used blob at all go (and those are deleted, not repacked)
    const report = await prune(repo, { repackThreshold: 1 });
    expect(report.packsRepacked).toBe(0);
    expect(report.packsDeleted).toBeLessThanOrEqual(1); // at most a's own tree pack
    // the 10 records only a held are still there, unused, inside the pack they share with b's records
    const { overhead, blobBytes } = await packOverhead(repo);
    expect(await totalBytes(repo.backend, 'data/')).toBe(blobBytes + overhead);
    const used = new Set<string>();
    const r = await repo.openSnapshotReader(b);
    for await (const { entry } of r.walk()) if (entry.type === 'record') used.add(entry.blob);
    await r.close();
    expect([...repo.index.entries()].filter((e) => e.type === 0).length).toBe(used.size + 10);
    expect((await check(repo)).ok).toBe(true);
    expect((await contents(repo, b)).size).toBe(300);
  });

  it('prune removes packs left unindexed by a crashed writer', async () => {
    const repo = await newRepo();
    const keep = await snapshotOf(repo, { site: 's' }, range(0, 20));
    const w = await repo.openSnapshotWriter({ labels: { site: 's' } });
    for (let i = 0; i < 8; i++) await w.putBytes(noise(60_000, 100 + i)); // seals at least one 256 KiB pack
    await Promise.resolve();
    // the process "dies" here: its packs are uploaded, its index never written, its lock left behind
    await repo.removeLocks(true);
    const notes = (await check(repo)).notes.map((n) => n.message);
    expect(notes.some((m) => m.includes('pack in no index'))).toBe(true);
    const report = await prune(repo);
    expect(report.unindexedPacksDeleted).toBeGreaterThan(0);
    const after = await check(repo, { readData: true });
    expect(after.ok).toBe(true);
    expect(after.notes).toEqual([]);
    expect((await contents(repo, keep)).size).toBe(20);
  });

  it('an interrupted prune leaves every snapshot readable, and the next prune finishes the job', async () => {
    const faulty = new FaultyBackend(new MemBackend());
    const repo = await newRepo(faulty);
    const a = await snapshotOf(repo, { site: 's' }, range(0, 300));
    const b = await snapshotOf(repo, { site: 's' }, range(300, 600));
    await forgetSnapshots(repo, [a]);
    const expected = await contents(repo, b);
    for (const stopAt of ['index/', 'data/']) {
      // crash at the first deletion of an old index file, then at the first deletion of a pack
      faulty.failOn(
        'delete',
        (n) => n.startsWith(stopAt),
        () => new Error(`crash before deleting ${stopAt}`),
      );
      await expect(prune(repo, { repackThreshold: 0 })).rejects.toThrow(/crash/);
      faulty.clear();
      await repo.removeLocks(true);
      const r = await check(repo, { readData: true });
      expect(r.errors).toEqual([]);
      expect(await contents(repo, b)).toEqual(expected);
    }
    await prune(repo, { repackThreshold: 0 });
    const final = await check(repo, { readData: true });
    expect(final.errors).toEqual([]);
    expect(final.notes).toEqual([]);
    expect(await contents(repo, b)).toEqual(expected);
  });

  it('a full disk during a backup fails with no-space and loses nothing written before', async () => {
    const faulty = new FaultyBackend(new MemBackend());
    const repo = await newRepo(faulty);
    const first = await snapshotOf(repo, { site: 's' }, range(0, 50));
    const enospc = () => mapFsError(Object.assign(new Error('write'), { code: 'ENOSPC' }), 'could not write');
    faulty.failOn('put', (n) => n.startsWith('data/'), enospc, 100);
    const w = await repo.openSnapshotWriter({ labels: { site: 's' } });
    const entries: TreeEntry[] = [];
    const err = await (async () => {
      for (let i = 0; i < 30; i++) {
        const r = await w.putBytes(noise(40_000, i));
        entries.push({ name: `f${i}`, type: 'record', blob: r.id, size: r.size });
      }
      return w.finish(await w.writeTree(entries));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).kind).toBe('no-space');
    await w.abort().catch(() => undefined);
    faulty.clear();
    await repo.removeLocks(true);
    expect((await check(repo, { readData: true })).errors).toEqual([]);
    expect((await contents(repo, first)).size).toBe(50);
    // once there is space again, the next run succeeds
    const second = await snapshotOf(repo, { site: 's' }, range(0, 60));
    expect((await contents(repo, second)).size).toBe(60);
    const stats = await repoStats(repo);
    expect(stats.snapshots).toBe(2);
    expect(stats.packBytes).toBe(await totalBytes(repo.backend, 'data/'));
    expect((await listAll(repo.backend, 'locks/')).length).toBe(0);
  });
});
