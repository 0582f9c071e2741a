/**
 * Crash safety: a writer process is SIGKILLed at random moments, again and again. After each kill
 * the repository checks clean (leftovers are only notes), every snapshot reads back completely and
 * correctly, and the next run continues the newest checkpoint. A final run completes the snapshot.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/index.js';
import { FsBackend } from '../../src/store/backend/index.js';
import { Repository, check, prune } from '../../src/store/index.js';
import { SMALL, cred, issue, noise, rng } from './helpers.js';
import { runWriter, testOwner } from './processes.js';

const RECORDS = 800;
const KILLS = 20;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every record and file of the snapshots equals what the writer stores; returns their entry counts. */
async function verifySnapshots(repo: Repository, ids: string[]): Promise<number[]> {
  const counts: number[] = [];
  for (const id of ids) {
    const reader = await repo.openSnapshotReader(id);
    const records = new Map<string, number>();
    let entries = 0;
    for await (const e of reader.list()) {
      entries++;
      const i = Number(e.name.slice(1));
      if (e.type === 'record') records.set(e.blob, i);
      else if (e.type === 'file') {
        const parts: Buffer[] = [];
        for await (const c of reader.readFile(e)) parts.push(c);
        expect(Buffer.concat(parts).equals(noise(40_000, i))).toBe(true);
      }
    }
    let read = 0;
    for await (const [blob, value] of reader.readRecords(records.keys())) {
      expect(canonicalJson(value)).toBe(canonicalJson(issue(records.get(blob)!)));
      read++;
    }
    expect(read).toBe(records.size);
    await reader.close();
    counts.push(entries);
  }
  return counts;
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs of a writer at random points and continues its checkpoint`, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tidemark-crash-'));
    dirs.push(dir);
    const init = await Repository.init(new FsBackend(dir), cred(), SMALL);
    await init.close();
    const seed = Date.now() % 100_000;
    const next = rng(seed);
    const phases = new Set<string>();
    let kills = 0;
    let latestCheckpoint: { id: string; entries: number } | undefined;
    for (let round = 0; kills < KILLS; round++) {
      expect(round, `seed ${seed}: too many rounds without kills`).toBeLessThan(KILLS * 3);
      // kill at a random moment: after 0–2 more checkpoints, 0–120 ms later (an interval takes about 70 ms)
      let waitFor = Math.floor(next() * 3); // checkpoints to see before arming the kill
      const delay = Math.floor(next() * 120);
      let timer: NodeJS.Timeout | undefined;
      const run = runWriter(dir, 'crash', RECORDS, (line, child) => {
        if (line.startsWith('checkpoint ')) waitFor--;
        if ((line.startsWith('open ') || line.startsWith('checkpoint ')) && waitFor <= 0) {
          timer ??= setTimeout(() => child.kill('SIGKILL'), delay);
        }
      });
      const { signal } = await run.exit;
      clearTimeout(timer);
      const context = `seed ${seed} round ${round}: ${run.lines.join(' | ')}`;
      // the run continued the newest checkpoint (and read everything it held), or started afresh when there was none
      expect(run.lines[0]?.split(' ')[2], context).toBe(latestCheckpoint?.id ?? '-');
      const resumed = run.lines.find((l) => l.startsWith('resumed '));
      if (resumed) expect(resumed, context).toBe(`resumed ${latestCheckpoint!.id} ${latestCheckpoint!.entries}`);
      if (signal === 'SIGKILL') kills++;
      phases.add(run.lines[run.lines.length - 1]!.split(' ')[0]!);

      const repo = await Repository.open(new FsBackend(dir), cred(), testOwner);
      const report = await check(repo);
      expect(report.errors, context).toEqual([]);
      const snapshots = await repo.listSnapshots();
      // no snapshot reaches a missing object, and every one reads back exactly
      const cp = await repo.findCheckpoint({ site: 'crash' });
      const newestComplete = snapshots.find((s) => s.incomplete === undefined);
      const [cpEntries] = await verifySnapshots(repo, [
        ...(cp ? [cp.id] : []),
        ...(newestComplete ? [newestComplete.id] : []),
      ]);
      latestCheckpoint = cp ? { id: cp.id, entries: cpEntries! } : undefined;
      await repo.close();
    }

    // a last run completes the snapshot
    const last = runWriter(dir, 'crash', RECORDS);
    expect((await last.exit).code).toBe(0);
    const done = last.lines.find((l) => l.startsWith('done '))!;
    expect(done).toBeDefined();
    const repo = await Repository.open(new FsBackend(dir), cred(), testOwner);
    const snapshots = await repo.listSnapshots();
    expect(snapshots.every((s) => s.incomplete === undefined)).toBe(true);
    const final = snapshots.find((s) => s.id === done.split(' ')[1])!;
    expect(await verifySnapshots(repo, [final.id])).toEqual([RECORDS + RECORDS / 50]);
    await verifySnapshots(
      repo,
      snapshots.map((s) => s.id),
    );
    // the killed writers' locks are recognised as stale (their processes are gone): prune may run
    const pruned = await prune(repo);
    expect(pruned.snapshots).toBe(snapshots.length);
    const after = await check(repo, { readData: true });
    expect(after.errors).toEqual([]);
    expect(after.notes).toEqual([]);
    console.log(`crash test (seed ${seed}): ${kills} kills; writers were last seen at: ${[...phases].join(', ')}`);
  });
});
