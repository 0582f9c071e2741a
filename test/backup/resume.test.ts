/**
 * Checkpoints: a run that stops part-way leaves a checkpoint; the next run continues it, fetches
 * only what was not finished, and produces a snapshot equal to the ground truth.
 */
import { describe, expect, it } from 'vitest';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { check } from '../../src/store/index.js';
import { backupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

describe('interrupted backups', () => {
  it('continue from the last checkpoint without fetching finished issues again', async () => {
    const bench = await backupBench({ seed: 7, size: 'tiny' });
    const abort = new AbortController();
    const first = await bench
      .backup({
        groupSize: 10,
        checkpointEvery: 20,
        signal: abort.signal,
        progress: {
          emit: (e) => {
            if (e.type === 'progress' && e.phase === 'issues' && e.done >= 40)
              abort.abort(new Error('operator pressed Ctrl-C'));
          },
        },
      })
      .catch((e: unknown) => e);
    expect(first).toMatchObject({ kind: 'cancelled' });
    const checkpoint = await bench.repo.findCheckpoint({ site: new URL(bench.site.url).host });
    expect(checkpoint?.incomplete).toBe('checkpoint');

    const second = await bench.backup({ groupSize: 10, checkpointEvery: 20 });
    const total = bench.site.data.issues.size;
    expect(second.resumedFrom).toBe(checkpoint!.id);
    // The checkpoint held at least the first 40 issues: they were not fetched again.
    expect(second.issues.hydrated).toBeLessThanOrEqual(total - 40);
    expect(second.points.byEndpoint['POST /rest/api/3/issue/bulkfetch']!.requests).toBeLessThanOrEqual(
      Math.ceil((total - 40) / 10),
    );
    expect(await bench.repo.findCheckpoint({ site: new URL(bench.site.url).host })).toBeUndefined();

    const reader = await bench.repo.openSnapshotReader(second.snapshot);
    const truth = JSON.parse(JSON.stringify(dumpSite(bench.site, bench.sim.world.accounts)));
    const diff = await compareWithGroundTruth(reader, truth, {
      backupAccountId: FIXED_ACCOUNT_IDS.demoAdmin,
      bytes: false,
    });
    expect(diff.lines.slice(0, 20)).toEqual([]);
    const report = await check(bench.repo, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
  });
});
