import { describe, expect, it } from 'vitest';
import { FIXED_ACCOUNT_IDS } from '../../src/simulator/generator/accounts.js';
import { dumpSite } from '../../src/simulator/world/dump.js';
import { backupBench } from '../support/backup-harness.js';
import { compareWithGroundTruth } from '../support/ground-truth.js';

describe('backup of a tiny simulated site', () => {
  it('stores every issue the caller can see, with its comments, worklogs, changelog and attachments', async () => {
    const bench = await backupBench({ seed: 1, size: 'tiny' });
    const report = await bench.backup();
    const issues = [...bench.site.data.issues.values()];
    expect(report.mode).toBe('full');
    expect(report.issues.total).toBe(issues.length);
    const reader = await bench.repo.openSnapshotReader(report.snapshot);
    const dir = await reader.lookup(['issues']);
    expect(dir?.type).toBe('tree');
    const names: string[] = [];
    for await (const e of reader.list(dir!.type === 'tree' ? dir!.tree : undefined)) names.push(e.name);
    expect(names.sort()).toEqual(issues.map((i) => i.id).sort());
  });
});

describe('completeness against the ground truth', () => {
  it('a full backup of a tiny site equals the ground truth', async () => {
    const bench = await backupBench({ seed: 2, size: 'tiny' });
    const report = await bench.backup();
    const reader = await bench.repo.openSnapshotReader(report.snapshot);
    const truth = dumpSite(bench.site, bench.sim.world.accounts) as Record<string, unknown>;
    const diff = await compareWithGroundTruth(reader, JSON.parse(JSON.stringify(truth)), {
      backupAccountId: FIXED_ACCOUNT_IDS.demoAdmin,
    });
    expect(diff.lines.slice(0, 30)).toEqual([]);
  });
});
