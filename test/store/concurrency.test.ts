/**
 * Concurrency: writers at once (in one process and in two processes) both succeed without
 * corruption; prune refuses while a backup holds its shared lock; stale locks are detected.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock, TidemarkError, canonicalJson } from '../../src/core/index.js';
import { FsBackend, MemBackend } from '../../src/store/backend/index.js';
import { Repository, check, forget, prune } from '../../src/store/index.js';
import { isAlive, runWriter, testOwner } from './processes.js';
import { SMALL, cred, issue, newRepo, reopen, writeIssues } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('concurrency', () => {
  it('two writers at once in one process both succeed, and everything reads back', async () => {
    const repo = await newRepo();
    const other = await reopen(repo);
    const write = async (r: Repository, project: string, from: number) => {
      const w = await r.openSnapshotWriter({ labels: { site: 'acme', project } });
      // overlapping content: both store records 100–199 at the same time
      const issues = Array.from({ length: 200 }, (_, i) => issue(from + i));
      return w.finish(await writeIssues(w, issues));
    };
    const [a, b] = await Promise.all([write(repo, 'A', 0), write(other, 'B', 100)]);
    const report = await check(repo, { readData: true });
    expect(report.errors).toEqual([]);
    for (const [id, from] of [
      [a, 0],
      [b, 100],
    ] as const) {
      const reader = await repo.openSnapshotReader(id);
      let n = 0;
      for await (const { entry } of reader.walk()) {
        if (entry.type !== 'record') continue;
        expect(canonicalJson(await reader.readRecord(entry.blob))).toBe(
          canonicalJson(issue(Number(entry.name.split('-')[1]))),
        );
        n++;
      }
      expect(n).toBe(200);
      expect(from).toBeGreaterThanOrEqual(0);
      await reader.close();
    }
    // duplicates written by the two writers are removed by prune, which then reclaims them
    await repo.refreshIndex();
    expect(repo.index.entryCount).toBeGreaterThan(repo.index.blobCount); // some records were stored twice
    await prune(repo, { repackThreshold: 0 });
    expect(repo.index.entryCount).toBe(repo.index.blobCount);
    expect([...repo.index.entries()].filter((e) => e.type === 0)).toHaveLength(300); // 300 distinct records
    expect((await check(repo, { readData: true })).errors).toEqual([]);
  });

  it('two writer processes at once on one directory both finish, and the repository checks clean', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-conc-'));
    dirs.push(dir);
    await Repository.init(new FsBackend(dir), cred(), SMALL);
    const one = runWriter(dir, 'one', 400);
    const two = runWriter(dir, 'two', 400);
    const [e1, e2] = await Promise.all([one.exit, two.exit]);
    expect([e1.code, e2.code]).toEqual([0, 0]);
    const repo = await Repository.open(new FsBackend(dir), cred(), testOwner);
    const snaps = await repo.listSnapshots();
    expect(snaps.map((s) => s.labels.site).sort()).toEqual(['one', 'two']);
    expect(snaps.every((s) => s.incomplete === undefined)).toBe(true);
    const report = await check(repo, { readData: true });
    expect(report.errors).toEqual([]);
  });

  it('prune and forget refuse while a backup holds its lock; waiting lets them run after it', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1), { autoAdvance: true });
    const repo = await newRepo(new MemBackend(), { clock });
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme' } });
    const err = await prune(repo).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TidemarkError);
    expect((err as TidemarkError).kind).toBe('locked');
    expect((err as TidemarkError).message).toMatch(/a shared lock of/);
    await expect(forget(repo, { last: 1 })).rejects.toMatchObject({ kind: 'locked' });
    // a reader (shared) may run next to the writer
    const r2 = await reopen(repo, { clock });
    expect((await check(r2)).ok).toBe(true);
    // a prune that waits gets the lock once the backup finishes
    const waiting = await reopen(repo, { clock, lockTimings: { waitMs: 10 * 60_000 } });
    const pruning = prune(waiting);
    await w.finish(await writeIssues(w, [issue(1)]));
    const report = await pruning;
    expect(report.snapshots).toBe(1);
  });

  it('a backup waits for a running prune (exclusive) instead of failing when asked to', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1), { autoAdvance: true });
    const repo = await newRepo(new MemBackend(), { clock });
    const exclusive = await repo.lock(true);
    await expect(repo.openSnapshotWriter({ labels: { site: 'x' } })).rejects.toMatchObject({ kind: 'locked' });
    const patient = await reopen(repo, { clock, lockTimings: { waitMs: 60_000 } });
    const opening = patient.openSnapshotWriter({ labels: { site: 'x' } });
    await exclusive.release();
    const w = await opening;
    await w.finish(await writeIssues(w, [issue(2)]));
  });

  it('detects stale locks: by age, and at once when the holder process is gone', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    // the holder's own clock never moves: its refresh timer never fires, as in a hung or dead process
    const frozen = new FakeClock(Date.UTC(2026, 10, 1));
    const backend = new MemBackend();
    const repo = await newRepo(backend, { clock: frozen, owner: { host: 'h1', pid: 111 } });
    await repo.lock(false); // never refreshed, never released
    const other = await Repository.open(backend, cred(), { clock, owner: { host: 'h2', pid: 222 } });
    await expect(prune(other)).rejects.toMatchObject({ kind: 'locked' });
    clock.advance(31 * 60_000); // older than 30 minutes: stale
    const stale = (await check(other)).notes.filter((n) => n.message.startsWith('stale lock'));
    expect(stale).toHaveLength(1);
    await prune(other); // runs, and removes the stale lock
    expect(await other.listLocks()).toHaveLength(0);

    // same host, dead pid: stale immediately
    const dead = await Repository.open(backend, cred(), {
      clock: new FakeClock(clock.now()),
      owner: { host: 'h1', pid: 333 },
    });
    await dead.lock(false);
    const sameHost = await Repository.open(backend, cred(), {
      clock,
      owner: { host: 'h1', pid: 444, isAlive: (pid) => pid === 444 },
    });
    await prune(sameHost);
    expect(await sameHost.listLocks()).toHaveLength(0);
    // a live process on the same host is respected
    const live = await Repository.open(backend, cred(), { clock, owner: { host: 'h1', pid: process.pid } });
    const held = await live.lock(false);
    const checker = await Repository.open(backend, cred(), { clock, owner: { host: 'h1', pid: 555, isAlive } });
    await expect(prune(checker)).rejects.toMatchObject({ kind: 'locked' });
    await held.release();
  });

  it('a holder refreshes its lock, and stops writing when it could not for too long', async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 1));
    const backend = new MemBackend();
    const repo = await newRepo(backend, { clock });
    const w = await repo.openSnapshotWriter({ labels: { site: 'acme' } });
    const first = (await repo.listLocks()).map((l) => l.name);
    clock.advance(5 * 60_000); // the refresh timer fires: a new lock file replaces the old one
    await new Promise((r) => setTimeout(r, 20));
    const second = (await repo.listLocks()).map((l) => l.name);
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    // storage refuses the refreshes for 26 minutes: the writer must not write its snapshot
    const real = backend.put.bind(backend);
    backend.put = async (name, body) => {
      if (name.startsWith('locks/')) throw new Error('storage down');
      return real(name, body);
    };
    for (let i = 0; i < 6; i++) {
      clock.advance(5 * 60_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    const root = await writeIssues(w, [issue(1)]);
    await expect(w.finish(root)).rejects.toMatchObject({ kind: 'locked' });
    backend.put = real;
    expect((await repo.listSnapshots()).length).toBe(0);
  });
});
